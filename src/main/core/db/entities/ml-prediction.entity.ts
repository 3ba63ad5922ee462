import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/** One verdict of the URL model, kept with the model's name and version (migration 0013). */
@Entity({ name: 'ml_predictions' })
@Index('IDX_ml_predictions_created', ['createdAt'])
@Index('IDX_ml_predictions_incident', ['incidentId'])
@Index('IDX_ml_predictions_indicator', ['indicatorId'])
export class MlPredictionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string

  @Column({ name: 'model_name', type: 'varchar', length: 100 })
  modelName: string

  @Column({ name: 'model_version', type: 'varchar', length: 40 })
  modelVersion: string

  @Column({ name: 'predicted_class', type: 'varchar', length: 32 })
  predictedClass: string

  /** JSON object: class -> probability. */
  @Column({ type: 'text' })
  probabilities: string

  /** The heuristic link score on 0-1. */
  @Column({ name: 'anomaly_score', type: 'double precision', nullable: true })
  anomalyScore: number | null

  /** JSON list of { name, value, contribution }. */
  @Column({ name: 'top_features', type: 'text' })
  topFeatures: string

  /** The URL analysed. */
  @Column({ type: 'text' })
  input: string

  @Column({ name: 'indicator_id', type: 'varchar', length: 36, nullable: true })
  indicatorId: string | null

  @Column({ name: 'incident_id', type: 'varchar', length: 36, nullable: true })
  incidentId: string | null

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string
}
