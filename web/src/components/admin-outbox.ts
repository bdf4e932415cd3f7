/**
 * Admin tab "Outbox": queued, sent and failed notifications, newest first, paged by the API;
 * a failed one can be queued again, and each shows its delivery attempts on demand.
 */
import { useState } from 'preact/hooks';
import { api } from '../lib/api';
import { fmtDateTime, fmtNumber } from '../lib/format';
import { useApi } from '../lib/hooks';
import { html } from '../lib/html';
import { messages } from '../lib/i18n';
import { href } from '../lib/router';
import { can, useMe } from '../lib/session';
import { Card, Empty, ErrorBox, Loading, Pager } from './ui';
import type { Channel } from './admin-channels';
import { enumLabel, tc, useAction, valueOf } from './admin-common';

const t = messages({
  vi: {
    title: 'Hàng đợi thông báo',
    intro:
      'Mọi tin nhắn đã xếp hàng, đã gửi hoặc thất bại, mới nhất trước. Tự cập nhật mỗi 15 giây.',
    status: 'Trạng thái',
    channel: 'Kênh',
    event: 'Sự kiện',
    incident: 'Sự cố',
    viewIncident: 'Xem sự cố',
    attempts: 'Số lần gửi',
    next: 'Lần gửi tới / đã gửi',
    lastError: 'Lỗi gần nhất',
    created: 'Thời điểm',
    retry: 'Gửi lại',
    retried: 'Đã đưa tin #{id} vào hàng đợi lại.',
    history: 'Lịch sử gửi',
    hideHistory: 'Ẩn lịch sử',
    noAttempts: 'Chưa có lần gửi nào.',
    at: 'Lúc',
    result: 'Kết quả',
    code: 'Mã',
    duration: 'Thời gian',
    ok: 'Thành công',
    fail: 'Thất bại',
    st_pending: 'Đang chờ',
    st_sending: 'Đang gửi',
    st_sent: 'Đã gửi',
    st_failed: 'Thất bại',
    sentAt: 'đã gửi {at}',
    digest: 'tin gộp',
  },
  en: {
    title: 'Notification outbox',
    intro: 'Every queued, sent and failed message, newest first. Refreshes every 15 seconds.',
    status: 'Status',
    channel: 'Channel',
    event: 'Event',
    incident: 'Incident',
    viewIncident: 'View incident',
    attempts: 'Attempts',
    next: 'Next attempt / sent',
    lastError: 'Last error',
    created: 'Queued',
    retry: 'Retry',
    retried: 'Message #{id} queued again.',
    history: 'Attempts',
    hideHistory: 'Hide attempts',
    noAttempts: 'No attempt yet.',
    at: 'At',
    result: 'Result',
    code: 'Code',
    duration: 'Duration',
    ok: 'Delivered',
    fail: 'Failed',
    st_pending: 'Pending',
    st_sending: 'Sending',
    st_sent: 'Sent',
    st_failed: 'Failed',
    sentAt: 'sent {at}',
    digest: 'digest',
  },
});

const STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
type Status = (typeof STATUSES)[number];
const STATUS_CLASS: Record<Status, string> = {
  pending: 'state-degraded',
  sending: 'state-degraded',
  sent: 'state-up',
  failed: 'state-down',
};

interface Entry {
  id: string;
  channelId: string;
  incidentId: string | null;
  event: string;
  status: Status;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

interface Attempt {
  id: string;
  at: string;
  ok: boolean;
  code: number | null;
  detail: string;
  durationMs: number;
}

const LIMIT = 25;

export function AdminOutbox() {
  const me = useMe();
  const writable = can(me, 'notifications', true);
  const [status, setStatus] = useState('');
  const [channel, setChannel] = useState('');
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = useApi<{ items: Entry[]; total: number }>(
    '/api/notifications/outbox',
    { status, channel, limit: LIMIT, offset },
    { pollMs: 15_000 },
  );
  const channels = useApi<{ items: Channel[] }>('/api/notification-channels');
  const rowAction = useAction();
  const channelName = (id: string) =>
    channels.data?.items.find((c) => c.id === id)?.name ?? id.slice(0, 8);

  const retry = async (e: Entry) => {
    const r = await rowAction.run(() =>
      api<Entry>(`/api/notifications/outbox/${e.id}/retry`, { method: 'POST' }),
    );
    if (r) {
      setNotice(t('retried', { id: e.id }));
      list.reload();
    }
  };

  const items = list.data?.items ?? [];
  return html`<${Card} title=${t('title')}>
    <p class="muted">${t('intro')}</p>
    <div class="toolbar">
      <div>
        <label for="outbox-status">${t('status')}</label>
        <select
          id="outbox-status"
          value=${status}
          onChange=${(e: Event) => {
            setStatus(valueOf(e));
            setOffset(0);
          }}
        >
          <option value="">${tc('all')}</option>
          ${STATUSES.map((s) => html`<option value=${s}>${t(`st_${s}`)}</option>`)}
        </select>
      </div>
      <div>
        <label for="outbox-channel">${t('channel')}</label>
        <select
          id="outbox-channel"
          value=${channel}
          onChange=${(e: Event) => {
            setChannel(valueOf(e));
            setOffset(0);
          }}
        >
          <option value="">${tc('all')}</option>
          ${(channels.data?.items ?? []).map((c) => html`<option value=${c.id}>${c.name}</option>`)}
        </select>
      </div>
    </div>
    <${ErrorBox} error=${list.error ?? rowAction.error} />
    ${notice && html`<p class="ok" role="status">${notice}</p>`}
    ${list.loading && !list.data && html`<${Loading} />`}
    ${list.data && items.length === 0 && html`<div data-testid="outbox-list"><${Empty} /></div>`}
    ${
      items.length > 0 &&
      html`<div class="table-wrap">
        <table class="stack" data-testid="outbox-list">
          <thead>
            <tr>
              <th scope="col" class="num">#</th>
              <th scope="col">${t('created')}</th>
              <th scope="col">${t('channel')}</th>
              <th scope="col">${t('event')}</th>
              <th scope="col">${t('incident')}</th>
              <th scope="col">${t('status')}</th>
              <th scope="col" class="num">${t('attempts')}</th>
              <th scope="col">${t('next')}</th>
              <th scope="col">${t('lastError')}</th>
              <th scope="col">${tc('actions')}</th>
            </tr>
          </thead>
          <tbody>
            ${items.map(
              (e) =>
                html`<tr key=${e.id} data-outbox-id=${e.id} data-status=${e.status}>
                    <td data-label=${'#'} class="num">${e.id}</td>
                    <td data-label=${t('created')} class="nowrap">${fmtDateTime(e.createdAt)}</td>
                    <td data-label=${t('channel')}>${channelName(e.channelId)}</td>
                    <td data-label=${t('event')}>
                      ${e.event === 'digest' ? t('digest') : enumLabel('event', e.event)}
                    </td>
                    <td data-label=${t('incident')}>
                      ${
                        e.incidentId
                          ? html`<a href=${href(`/incidents/${e.incidentId}`)}
                              >${t('viewIncident')}</a
                            >`
                          : '—'
                      }
                    </td>
                    <td data-label=${t('status')}>
                      <span class=${`badge ${STATUS_CLASS[e.status] ?? ''}`}
                        >${t(`st_${e.status}`)}</span
                      >
                    </td>
                    <td data-label=${t('attempts')} class="num">${fmtNumber(e.attempts)}</td>
                    <td data-label=${t('next')} class="nowrap">
                      ${
                        e.status === 'sent'
                          ? fmtDateTime(e.sentAt)
                          : e.status === 'failed'
                            ? '—'
                            : fmtDateTime(e.nextAttemptAt)
                      }
                    </td>
                    <td data-label=${t('lastError')} class="break small">${e.lastError ?? '—'}</td>
                    <td data-label=${tc('actions')} class="row-actions">
                      <button
                        type="button"
                        aria-expanded=${open === e.id}
                        onClick=${() => setOpen(open === e.id ? null : e.id)}
                      >
                        ${open === e.id ? t('hideHistory') : t('history')}
                      </button>
                      ${
                        writable &&
                        e.status === 'failed' &&
                        html`<button
                          type="button"
                          class="primary"
                          data-testid="outbox-retry"
                          disabled=${rowAction.busy}
                          onClick=${() => retry(e)}
                        >
                          ${t('retry')}
                        </button>`
                      }
                    </td>
                  </tr>
                  ${
                    open === e.id &&
                    html`<tr class="edit-row">
                      <td colspan="10"><${History} id=${e.id} /></td>
                    </tr>`
                  }`,
            )}
          </tbody>
        </table>
      </div>`
    }
    <${Pager}
      offset=${offset}
      limit=${LIMIT}
      total=${list.data?.total ?? 0}
      onChange=${setOffset}
    />
  </${Card}>`;
}

/** One message's attempts (at most the sender's maxAttempts, 50 by default). */
function History({ id }: { id: string }) {
  const one = useApi<Entry & { history: Attempt[] }>(`/api/notifications/outbox/${id}`);
  if (one.error) return html`<${ErrorBox} error=${one.error} />`;
  if (!one.data) return html`<${Loading} />`;
  if (!one.data.history.length) return html`<p class="muted">${t('noAttempts')}</p>`;
  return html`<table class="small stack">
    <caption class="sr-only">
      ${t('history')} #${id}
    </caption>
    <thead>
      <tr>
        <th scope="col">${t('at')}</th>
        <th scope="col">${t('result')}</th>
        <th scope="col">${t('code')}</th>
        <th scope="col">${t('duration')}</th>
        <th scope="col">${t('lastError')}</th>
      </tr>
    </thead>
    <tbody>
      ${one.data.history.map(
        (a) =>
          html`<tr key=${a.id}>
            <td data-label=${t('at')}>${fmtDateTime(a.at)}</td>
            <td data-label=${t('result')}>
              <span class=${`badge ${a.ok ? 'state-up' : 'state-down'}`}
                >${a.ok ? t('ok') : t('fail')}</span
              >
            </td>
            <td data-label=${t('code')}>${a.code ?? '—'}</td>
            <td data-label=${t('duration')}>${fmtNumber(a.durationMs)} ms</td>
            <td data-label=${t('lastError')} class="break">${a.detail}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
