import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * Feeds remember whether their URL (or options, which may name more URLs) was set over the HTTP API: such a
 * feed keeps the API's fetch restriction (no loopback, private or other special addresses unless the user
 * allowed the host) on every later run, scheduled ones included. Existing feeds were set up before the API
 * could be restricted, by the user, so they start as false.
 */
export class AddFeedUrlFromHttp1764780000000 implements MigrationInterface {
  name = 'AddFeedUrlFromHttp1764780000000'

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'feeds',
      new TableColumn({ name: 'url_from_http', type: 'boolean', default: false }),
    )
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('feeds', 'url_from_http')
  }
}
