import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/**
 * A configured source of indicators. Created by migration 0002. The auth secret itself lives in the core's
 * SecretStore under `secretRef`; this row only says which kind of auth the feed uses.
 */
@Entity({ name: 'feeds' })
export class FeedEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string

  @Index('UQ_feeds_name', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  name: string

  @Column({ type: 'varchar', length: 32 })
  format: string

  @Column({ type: 'text', nullable: true })
  url: string | null

  @Column({ type: 'text', nullable: true })
  path: string | null

  @Column({ type: 'varchar', length: 100, nullable: true })
  schedule: string | null

  @Column({ type: 'boolean', default: true })
  enabled: boolean

  @Column({ name: 'auth_kind', type: 'varchar', length: 16, default: 'none' })
  authKind: string

  @Column({ name: 'secret_ref', type: 'varchar', length: 200, nullable: true })
  secretRef: string | null

  @Column({ name: 'default_tlp', type: 'varchar', length: 16 })
  defaultTlp: string

  @Column({ type: 'varchar', length: 1 })
  reliability: string

  /** JSON array of strings. */
  @Column({ type: 'text', default: '[]' })
  tags: string

  /** JSON object: per-format options (column mapping, TAXII collection, zip entry...). */
  @Column({ type: 'text', default: '{}' })
  options: string

  /** JSON object: conditional-request and cursor state (etag, lastModified, taxii, misp). */
  @Column({ type: 'text', default: '{}' })
  state: string

  /** The URL or options were set over the HTTP API: its runs keep the API's fetch restriction (0009). */
  @Column({ name: 'url_from_http', type: 'boolean', default: false })
  urlFromHttp: boolean

  @Column({ name: 'catalogue_key', type: 'varchar', length: 64, nullable: true })
  catalogueKey: string | null

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt: string
}
