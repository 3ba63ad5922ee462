// The library's own entry (not its Node entry, which registers every language it ships): English only, the
// same few kilobytes in the main process and the renderer.
import countries from 'i18n-iso-countries/index'
import en from 'i18n-iso-countries/langs/en.json'

countries.registerLocale(en)

const ALPHA2 = /^[A-Z]{2}$/

/**
 * A country's English name from its ISO 3166-1 alpha-2 code. GeoIP data also uses codes outside the
 * standard (XK for Kosovo is known; EU or a private-use code may not be): those read as the code itself.
 */
export const countryName = (alpha2: string): string => {
  const code = alpha2.toUpperCase()
  if (!ALPHA2.test(code)) return alpha2
  return countries.getName(code, 'en') ?? code
}

/** ISO 3166-1 numeric (world-atlas's feature ids, "004") to alpha-2, or null. */
export const alpha2OfNumeric = (numeric: string | number): string | null =>
  countries.numericToAlpha2(numeric) ?? null
