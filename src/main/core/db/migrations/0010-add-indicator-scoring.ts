import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * What the analysis engine keeps on each indicator so a score can explain itself and age (issue 10).
 *
 * - base_score: the score before decay, from the named terms; score (0001) stays the number every list sorts
 *   and filters by, now base_score aged by the decay clock. Null until the engine first scores the row.
 * - score_terms: the breakdown as last computed (JSON: each term's name, contribution and why), so the panel
 *   and exports read what decided the score rather than recomputing it with settings that may have changed.
 * - risk_decided_by: 'score' or 'severity': which one set risk_level, so the two never disagree silently.
 * - decay_from: when the decay clock last (re)started: the latest sighting by any source or an analyst's
 *   confirmation; expires_at: when the decayed score crosses the revoke threshold; expired: past it. Expired
 *   indicators are kept and marked, never deleted.
 * - analyst_verdict ('true_positive' | 'false_positive') and verdict_at: the analyst's word, a scoring term.
 * - warninglist_hits: how many known-benign lists matched (the lists themselves: a later migration);
 *   url_score: the URL analysis verdict (0-100) when the indicator was analysed. Both feed scoring terms and
 *   are columns so ingest and rescoring read them without joins.
 * - scored_at: when the terms were last computed (null: never; the rescoring job picks those up).
 */
export class AddIndicatorScoring1764790000000 implements MigrationInterface {
  name = 'AddIndicatorScoring1764790000000'

  async up(q: QueryRunner): Promise<void> {
    // Plain ALTER TABLE on both databases, as in 0004: TypeORM's addColumn rebuilds a SQLite table and
    // renumbers the rowids that observations and the search index key on.
    const add = (column: string) => q.query(`ALTER TABLE indicators ADD COLUMN ${column}`)
    await add('base_score integer')
    await add('score_terms text')
    await add('risk_decided_by varchar(16)')
    await add('decay_from varchar(40)')
    await add('expires_at varchar(40)')
    await add('expired boolean NOT NULL DEFAULT false')
    await add('analyst_verdict varchar(16)')
    await add('verdict_at varchar(40)')
    await add('warninglist_hits integer NOT NULL DEFAULT 0')
    await add('url_score integer')
    await add('scored_at varchar(40)')
    // The decay sweep finds what is about to expire by this index; lists filter on expired through it too
    // (an expired row has expires_at in the past).
    await q.createIndex(
      'indicators',
      new TableIndex({ name: 'IDX_indicators_expires_at', columnNames: ['expires_at'] }),
    )
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('indicators', 'IDX_indicators_expires_at')
    for (const c of [
      'scored_at',
      'url_score',
      'warninglist_hits',
      'verdict_at',
      'analyst_verdict',
      'expired',
      'expires_at',
      'decay_from',
      'risk_decided_by',
      'score_terms',
      'base_score',
    ])
      await q.query(`ALTER TABLE indicators DROP COLUMN ${c}`)
  }
}
