import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { currentActor } from '../common/request-context';
import { ChangeAction, ChangeLogEntry } from './entities';

@Injectable()
export class ChangeLogService {
  /** Appends one entry in the caller's transaction, so the change and its record commit together. */
  async record(
    em: EntityManager,
    objectType: string,
    objectId: string,
    action: ChangeAction,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ): Promise<void> {
    const { actor, requestId, source } = currentActor();
    // The query builder inserts jsonb as given; the repository's deep-partial typing rejects
    // arbitrary JSON objects.
    await em
      .createQueryBuilder()
      .insert()
      .into(ChangeLogEntry)
      .values({
        actor,
        requestId,
        source,
        objectType,
        objectId,
        action,
        before: () => ':before',
        after: () => ':after',
      })
      .setParameters({
        before: before && JSON.stringify(before),
        after: after && JSON.stringify(after),
      })
      .execute();
  }
}
