import * as http from 'node:http';
import type {
  IncidentSummary,
  NotificationEvent,
  NotificationItem,
  NotificationMessage,
} from '../../../src/notifications/notification.types';
import { listen, type Running } from '../../probes/http/servers';

/** An incident with Vietnamese text; 08:05 on 2 March 2026 in Hanoi (01:05 UTC). */
export function incident(overrides: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    id: '3f0a6a52-5d1c-4c39-9d0e-2b0f3f6f0042',
    number: 42,
    title: 'Mất kết nối cổng dịch vụ công',
    description: 'Cổng dịch vụ công không phản hồi từ 08:00.\nĐã kiểm tra đường truyền.',
    severity: 1,
    category: 'outage',
    status: 'open',
    unitCode: 'STTTT',
    unitName: 'Sở Thông tin và Truyền thông',
    openedAt: new Date('2026-03-02T01:05:00Z'),
    acknowledgedAt: null,
    resolvedAt: null,
    reportDueAt: new Date('2026-03-07T01:05:00Z'),
    assignee: 'Nguyễn Văn An',
    url: 'https://netwatch.stttt.gov.vn/incidents/42',
    ...overrides,
  };
}

export function item(
  event: NotificationEvent = 'opened',
  overrides: Partial<IncidentSummary> = {},
  at = new Date('2026-03-02T01:05:00Z'),
): NotificationItem {
  return { event, at, incident: incident(overrides) };
}

export function message(
  items: NotificationItem[] = [item()],
  deliveryId = '0b9f7c1e-8a53-4f0e-9d7e-5f2b6a1c0d42',
): NotificationMessage {
  return { deliveryId, items };
}

/** A digest of `n` opened incidents #100.. with severities cycling 4, 3, 2. */
export function digest(n: number): NotificationMessage {
  return message(
    Array.from({ length: n }, (_, i) =>
      item('opened', {
        number: 100 + i,
        title: `Sự cố thử nghiệm số ${i + 1}`,
        severity: ([4, 3, 2] as const)[i % 3],
      }),
    ),
    'digest-0001',
  );
}

export const signal = (ms = 10_000) => AbortSignal.timeout(ms);

export interface Captured {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An HTTP receiver on 127.0.0.1 that records each request and answers with `respond`. */
export async function receiver(
  respond: (req: Captured, res: http.ServerResponse) => void = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  },
): Promise<Running<http.Server> & { requests: Captured[]; url: (path?: string) => string }> {
  const requests: Captured[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured: Captured = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(captured);
      respond(captured, res);
    });
  });
  server.keepAliveTimeout = 1000;
  const running = await listen(server, '127.0.0.1');
  return Object.assign(running, {
    requests,
    url: (path = '/hook') => `http://127.0.0.1:${running.port}${path}`,
  });
}

/** The ValidationError details a call throws (fails the test if it does not throw one). */
export function problemsOf(fn: () => unknown): { field: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    const details = (err as { details?: { field: string; message: string }[] }).details;
    if ((err as Error).name !== 'ValidationError' || !details)
      throw new Error(`expected a ValidationError, got ${String(err)}`);
    return details;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

export const fields = (fn: () => unknown): string[] => problemsOf(fn).map((p) => p.field);
