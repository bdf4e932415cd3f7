import { EventEmitter } from 'node:events';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { TransitionEvent } from '../monitoring/state/state-machine';
import {
  ACTIVE_STATUSES,
  IncidentCategory,
  IncidentSeverity,
  LinkObjectType,
} from './incident-lifecycle';
import { IncidentRow, IncidentsService } from './incidents.service';

/** The actor of everything the opener writes. */
export const PROBE_ACTOR = 'system:probe';

/** What the opener knows about a check (with the monitored object's label and weight). */
export interface CheckInfo {
  id: string;
  key: string;
  kind: string;
  objectType: 'service' | 'device' | 'circuit' | null;
  objectId: string | null;
  unitId: string | null;
  /** Service hostname, device name or circuit id; null for a custom check without object. */
  objectLabel: string | null;
  serviceCriticality: 'low' | 'medium' | 'high' | 'critical' | null;
  deviceRole: string | null;
}

/** What the opener did with one event (for tests and logs). */
export type OpenerOutcome =
  | 'opened'
  | 'reopened'
  | 'appended'
  | 'resolved'
  /** Listed as affected on the incident of the down check in front of it. */
  | 'grouped'
  | 'ignored'
  | 'unknown_check';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IPV6_KINDS = new Set(['ipv6-web', 'ipv6-mail', 'ns-ipv6']);
const NETWORK_ROLES = new Set(['router', 'switch', 'firewall', 'load_balancer']);

/**
 * Severity of a probe incident (the rule is in README.md beside this file):
 * - `degraded` → 3;
 * - IPv6 readiness (`ipv6-web`, `ipv6-mail`, `ns-ipv6`) or `snmp` down → 3: the service still
 *   answers over IPv4 / the device may still forward;
 * - a service down (any other kind, DNSSEC included: validating resolvers refuse the zone) → by
 *   its criticality: critical 1, high or medium 2, low 3;
 * - a circuit down → 2; a router, switch, firewall or load balancer down → 2 (it takes others
 *   with it); any other device → 3; a custom check without object → 3.
 */
export function probeSeverity(check: CheckInfo, to: 'down' | 'degraded'): IncidentSeverity {
  if (to === 'degraded') return 3;
  if (IPV6_KINDS.has(check.kind) || check.kind === 'snmp') return 3;
  switch (check.objectType) {
    case 'service':
      return check.serviceCriticality === 'critical'
        ? 1
        : check.serviceCriticality === 'low'
          ? 3
          : 2;
    case 'circuit':
      return 2;
    case 'device':
      return NETWORK_ROLES.has(check.deviceRole ?? '') ? 2 : 3;
    default:
      return 3;
  }
}

/** Category of a probe incident by check kind. */
export function probeCategory(kind: string, to: 'down' | 'degraded'): IncidentCategory {
  if (kind === 'dnssec') return 'dnssec_failure';
  if (IPV6_KINDS.has(kind)) return 'ipv6_regression';
  return to === 'down' ? 'outage' : 'degraded_service';
}

export function probeTitle(check: CheckInfo, to: 'down' | 'degraded'): string {
  const object = check.objectLabel
    ? `${check.objectType} ${check.objectLabel}`
    : `check ${check.key}`;
  return `${check.kind} ${to}: ${object}`.slice(0, 300);
}

function eventBody(e: TransitionEvent): Record<string, unknown> {
  return {
    checkId: e.checkId,
    from: e.from,
    to: e.to,
    alert: e.alert,
    ...(e.suppressedBy ? { suppressedBy: e.suppressedBy } : {}),
    ...(e.blockedBy ? { blockedBy: e.blockedBy } : {}),
    reasons: e.reasons,
  };
}

/**
 * Turns the engine's `transition` events into incidents: one active incident per check, opened
 * on an alerting failure, appended to while it lasts, resolved on recovery for the severities
 * configured, re-opened by a failure soon after its resolution. Rules: README.md beside this file.
 */
@Injectable()
export class IncidentOpener implements OnModuleDestroy {
  private readonly logger = new Logger('Incidents');
  /** Events are handled one at a time, in the order emitted. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly incidents: IncidentsService,
  ) {}

  /** Lets queued events finish before the database pool closes. */
  async onModuleDestroy(): Promise<void> {
    await this.queue;
  }

  /** Subscribes to an engine's `transition` events (failures are logged, never thrown). */
  attach(engine: EventEmitter): void {
    engine.on('transition', (e: TransitionEvent) => {
      void this.enqueue(e);
    });
  }

  /** Handles `e` after every event before it; resolves with the outcome, or null on failure. */
  enqueue(e: TransitionEvent): Promise<OpenerOutcome | null> {
    const next = this.queue.then(() =>
      this.handle(e).catch((err: unknown) => {
        this.logger.error(
          `incident for check ${e.checkId} (${e.from} → ${e.to}) failed: ${(err as Error).message}`,
        );
        return null;
      }),
    );
    this.queue = next;
    return next;
  }

  /** Handles one event in one transaction. */
  async handle(e: TransitionEvent): Promise<OpenerOutcome> {
    if (!UUID.test(e.checkId)) return 'unknown_check';
    return this.dataSource.transaction(async (m) => {
      // Serialises with any other process handling the same check.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('incident-check:' || $1))`, [e.checkId]);
      const check = await this.loadCheck(m, e.checkId);
      if (!check) return 'unknown_check';
      const active = await this.activeIncident(m, e.checkId);
      const problem =
        e.to === 'down' ||
        (e.to === 'degraded' && this.incidents.settings.degradedKinds.includes(check.kind))
          ? e.to
          : null;

      if (problem && e.alert) {
        if (active) {
          await this.appendEvent(m, active.id, e);
          return 'appended';
        }
        const recent = await this.recentlyResolved(m, e);
        if (recent) {
          await this.incidents.changeStatusIn(m, recent.id, 'open', {
            at: e.at,
            actor: PROBE_ACTOR,
            body: { reason: 'check failed again within the re-open window' },
          });
          await this.appendEvent(m, recent.id, e);
          return 'reopened';
        }
        await this.open(m, check, problem, e);
        return 'opened';
      }

      const grouped = await this.groupUnderParent(m, check, e);
      if (!active) return grouped ? 'grouped' : 'ignored';
      await this.appendEvent(m, active.id, e);
      if (
        e.to === 'up' &&
        e.alert &&
        this.incidents.settings.autoResolveSeverities.includes(
          Number(active.severity) as IncidentSeverity,
        )
      ) {
        await this.incidents.changeStatusIn(m, active.id, 'resolved', {
          at: e.at,
          actor: PROBE_ACTOR,
          body: { reason: 'check recovered (auto-resolve for this severity)' },
        });
        return 'resolved';
      }
      return 'appended';
    });
  }

  private async open(
    m: EntityManager,
    check: CheckInfo,
    to: 'down' | 'degraded',
    e: TransitionEvent,
  ): Promise<void> {
    const rows: { id: string }[] = await m.query(
      `INSERT INTO incidents (title, description, severity, category, status, origin, check_id,
         unit_id, opened_at, report_due_at, updated_at)
       VALUES ($1, $2, $3, $4, 'open', 'probe', $5, $6, $7, $8, $7) RETURNING id`,
      [
        probeTitle(check, to),
        e.reasons.map((r) => r.message).join('; '),
        probeSeverity(check, to),
        probeCategory(check.kind, to),
        check.id,
        check.unitId,
        e.at,
        this.incidents.reportDueAt(e.at),
      ],
    );
    const id = rows[0].id;
    const opened = await this.incidents.appendTimeline(m, id, e.at, 'status_change', PROBE_ACTOR, {
      from: null,
      to: 'open',
    });
    await this.appendEvent(m, id, e);
    const links: { objectType: LinkObjectType; objectId: string }[] = [
      { objectType: 'check', objectId: check.id },
    ];
    if (check.objectType && check.objectId)
      links.push({ objectType: check.objectType, objectId: check.objectId });
    for (const link of links) {
      await m.query(
        `INSERT INTO incident_links (incident_id, object_type, object_id, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [id, link.objectType, link.objectId, e.at],
      );
      await this.incidents.appendTimeline(m, id, e.at, 'link', PROBE_ACTOR, { ...link });
    }
    await this.incidents.announce(m, id, 'opened', e.at, opened.id);
  }

  /**
   * A check behind a down parent (`unreachable`, dependency) is listed on the incident of the
   * check down at the top of the chain, not given an incident of its own. Returns whether it
   * was newly listed.
   */
  private async groupUnderParent(
    m: EntityManager,
    check: CheckInfo,
    e: TransitionEvent,
  ): Promise<boolean> {
    if (e.to !== 'unreachable' || !e.blockedBy || !UUID.test(e.blockedBy.root)) return false;
    const parent = await this.activeIncident(m, e.blockedBy.root);
    if (!parent) return false;
    const links: { objectType: LinkObjectType; objectId: string }[] = [
      { objectType: 'check', objectId: check.id },
    ];
    if (check.objectType && check.objectId)
      links.push({ objectType: check.objectType, objectId: check.objectId });
    let added = false;
    for (const link of links) {
      const rows: unknown[] = await m.query(
        `INSERT INTO incident_links (incident_id, object_type, object_id, created_at, role)
         VALUES ($1, $2, $3, $4, 'affected') ON CONFLICT DO NOTHING RETURNING incident_id`,
        [parent.id, link.objectType, link.objectId, e.at],
      );
      if (rows.length) added = true;
    }
    if (!added) return false;
    await this.incidents.appendTimeline(m, parent.id, e.at, 'probe_event', PROBE_ACTOR, {
      ...eventBody(e),
      affected: { checkId: check.id, kind: check.kind, label: check.objectLabel ?? check.key },
    });
    return true;
  }

  private async appendEvent(m: EntityManager, id: string, e: TransitionEvent): Promise<void> {
    await this.incidents.appendTimeline(m, id, e.at, 'probe_event', PROBE_ACTOR, eventBody(e));
    await m.query(`UPDATE incidents SET updated_at = greatest(updated_at, $2) WHERE id = $1`, [
      id,
      e.at,
    ]);
  }

  private async activeIncident(m: EntityManager, checkId: string): Promise<IncidentRow | null> {
    const rows: IncidentRow[] = await m.query(
      `SELECT * FROM incidents WHERE check_id = $1 AND origin = 'probe' AND status = ANY($2)
       FOR UPDATE`,
      [checkId, ACTIVE_STATUSES],
    );
    return rows[0] ?? null;
  }

  /** The check's latest probe incident resolved (not closed) within the re-open window. */
  private async recentlyResolved(
    m: EntityManager,
    e: TransitionEvent,
  ): Promise<IncidentRow | null> {
    const windowStart = new Date(
      e.at.getTime() - this.incidents.settings.reopenWindowMinutes * 60_000,
    );
    const rows: IncidentRow[] = await m.query(
      `SELECT * FROM incidents WHERE check_id = $1 AND origin = 'probe' AND status = 'resolved'
         AND resolved_at >= $2 AND resolved_at <= $3
       ORDER BY resolved_at DESC LIMIT 1 FOR UPDATE`,
      [e.checkId, windowStart, e.at],
    );
    return rows[0] ?? null;
  }

  private async loadCheck(m: EntityManager, checkId: string): Promise<CheckInfo | null> {
    const rows: CheckInfo[] = await m.query(
      `SELECT c.id, c.key, c.kind, c.object_type AS "objectType", c.object_id AS "objectId",
              c.unit_id AS "unitId",
              COALESCE(s.hostname, d.name, ci.cid) AS "objectLabel",
              s.criticality AS "serviceCriticality", d.role AS "deviceRole"
       FROM checks c
       LEFT JOIN services s ON c.object_type = 'service' AND s.id = c.object_id
       LEFT JOIN devices d ON c.object_type = 'device' AND d.id = c.object_id
       LEFT JOIN circuits ci ON c.object_type = 'circuit' AND ci.id = c.object_id
       WHERE c.id = $1::uuid`,
      [checkId],
    );
    return rows[0] ?? null;
  }
}
