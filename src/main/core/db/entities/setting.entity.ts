import { Column, Entity, PrimaryColumn } from 'typeorm'

/** Application settings as key -> JSON value. Created by migration 0001. */
@Entity({ name: 'settings' })
export class SettingEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key: string

  @Column({ type: 'text' })
  value: string

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt: string
}
