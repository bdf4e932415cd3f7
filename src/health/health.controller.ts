import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { EngineMetrics } from '../monitoring/metrics';
import { Public } from '../auth/permissions';

/**
 * Liveness and database readiness in one answer: 200 when the database answers within two
 * seconds, 503 otherwise. Hand-written: one query does not need @nestjs/terminus.
 */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: EngineMetrics,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and database readiness' })
  async health(@Res({ passthrough: true }) res: Response) {
    const database = await this.pingDatabase();
    const scheduler = this.schedulerHealth();
    const ok = database.status === 'up' && scheduler.status !== 'stalled';
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ok ? 'ok' : 'error',
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      checks: { database, scheduler },
    };
  }

  /** The leader's scheduler ticks every second: a tick older than 30 s means it is stuck. */
  private schedulerHealth() {
    const { role, lastTickAt } = this.engine.scheduler;
    const stale =
      role === 'leader' && lastTickAt !== null && Date.now() - lastTickAt.getTime() > 30_000;
    return { status: stale ? 'stalled' : role, lastTickAt };
  }

  private async pingDatabase(): Promise<{
    status: 'up' | 'down';
    latencyMs?: number;
    error?: string;
  }> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out after 2 s')), 2000);
        }),
      ]);
      return { status: 'up', latencyMs: Date.now() - started };
    } catch (err) {
      return {
        status: 'down',
        error: this.dataSource.isInitialized ? (err as Error).message : 'not connected',
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
