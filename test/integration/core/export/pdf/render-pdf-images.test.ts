import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type PageImage, pageImages, render, reportSet } from './pdf-fixture'

/** Where the pages land as PNG files for a person to look at (test/.tmp is scratch, never committed). */
const OUT_DIR = join(__dirname, '..', '..', '..', '..', '.tmp', 'pdf-pages')
const SCALE = 1.5

/** How many pixels within `tol` of a colour a band of the page (in PDF points, full width) holds. */
const count = (img: PageImage, hex: string, top: number, bottom: number, tol = 40): number => {
  const want = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16))
  const [r, g, b] = [want[0] ?? 0, want[1] ?? 0, want[2] ?? 0]
  const { data, width } = img
  let n = 0
  const end = Math.min(Math.round(bottom * SCALE), img.height) * width * 4
  for (let i = Math.round(top * SCALE) * width * 4; i < end; i += 4) {
    if (
      Math.abs((data[i] ?? 0) - r) <= tol &&
      Math.abs((data[i + 1] ?? 0) - g) <= tol &&
      Math.abs((data[i + 2] ?? 0) - b) <= tol
    )
      n++
  }
  return n
}

const save = (name: string, images: readonly PageImage[]): void => {
  mkdirSync(OUT_DIR, { recursive: true })
  images.forEach((img, i) => writeFileSync(join(OUT_DIR, `${name}-page-${i + 1}.png`), img.png))
}

describe('renderPdf pages as images', () => {
  it('draws the TLP label in its TLP 2.0 colour on black in the header and footer of every page', async () => {
    for (const [tlp, colour] of [
      ['amber', '#ffc000'],
      ['red', '#ff2b2b'],
    ] as const) {
      const { pdf } = await render(reportSet({ tlp }))
      const images = await pageImages(pdf, SCALE)
      save(`report-${tlp}`, images)
      images.forEach((img, i) => {
        const where = `${tlp} page ${i + 1}`
        expect(count(img, '#000000', 18, 42), `${where} header black`).toBeGreaterThan(200)
        expect(count(img, colour, 18, 42), `${where} header label`).toBeGreaterThan(20)
        expect(count(img, '#000000', 800, 826), `${where} footer black`).toBeGreaterThan(200)
        expect(count(img, colour, 800, 826), `${where} footer label`).toBeGreaterThan(20)
      })
    }
  })

  it('draws the severity chart in the severity colours', async () => {
    const { pdf } = await render(reportSet())
    const images = await pageImages(pdf, SCALE)
    const colours = ['#b3261e', '#e8590c', '#f2a900', '#2f9e44', '#1c7ed6']
    const chartPage = images.find((img) => colours.every((c) => count(img, c, 62, 783) > 100))
    expect(chartPage, 'a page with a bar in each severity colour').toBeDefined()
  })
})
