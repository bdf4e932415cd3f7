import { useEffect } from 'preact/hooks';
import { fmtPercent, fmtTime } from '../lib/format';
import { html } from '../lib/html';
import { useApi } from '../lib/hooks';
import { lang, messages } from '../lib/i18n';
import { LanguageSwitch } from '../components/layout';
import { ErrorBox, Loading } from '../components/ui';

const t = messages({
  vi: {
    title: 'Trạng thái dịch vụ dùng chung',
    intro: 'Tình trạng hoạt động hiện tại của các dịch vụ công trực tuyến dùng chung của tỉnh.',
    updatedAt: 'Cập nhật lúc {time}',
    allGood: 'Tất cả dịch vụ đang hoạt động bình thường.',
    someDown: 'Một số dịch vụ đang bị gián đoạn.',
    someDegraded: 'Một số dịch vụ đang hoạt động chưa đầy đủ.',
    operational: 'Hoạt động bình thường',
    degraded: 'Hoạt động chưa đầy đủ',
    outage: 'Gián đoạn',
    unknown: 'Chưa có dữ liệu',
    noFigure: 'chưa có số liệu',
    uptime24: 'Thời gian hoạt động 24 giờ qua',
    uptime30: 'Thời gian hoạt động 30 ngày qua',
    none: 'Chưa có dịch vụ nào được công bố.',
    staff: 'Cán bộ vận hành: đăng nhập',
    services: 'Các dịch vụ',
    website: 'Trang web',
    public_service: 'Dịch vụ công',
    mail_domain: 'Thư điện tử',
    dns_zone: 'Tên miền',
    other: 'Dịch vụ',
  },
  en: {
    title: 'Shared services status',
    intro: 'Current status of the province’s shared online public services.',
    updatedAt: 'Updated at {time}',
    allGood: 'All services are operating normally.',
    someDown: 'Some services are interrupted.',
    someDegraded: 'Some services are partly degraded.',
    operational: 'Operational',
    degraded: 'Degraded',
    outage: 'Outage',
    unknown: 'No data yet',
    noFigure: 'no figures yet',
    uptime24: 'Uptime, last 24 hours',
    uptime30: 'Uptime, last 30 days',
    none: 'No service is published yet.',
    staff: 'Operations staff: sign in',
    services: 'Services',
    website: 'Website',
    public_service: 'Public service',
    mail_domain: 'E-mail',
    dns_zone: 'Domain name',
    other: 'Service',
  },
});
type Key = Parameters<typeof t>[0];

interface PublicService {
  name: string;
  hostname: string;
  kind: string;
  state: 'operational' | 'degraded' | 'outage' | 'unknown';
  uptime: { '24h': number | null; '30d': number | null };
}

interface PublicStatus {
  title: string | null;
  titleEn: string | null;
  generatedAt: string;
  services: PublicService[];
}

/** The state word's badge colour (the word itself is always shown). */
const BADGE: Record<PublicService['state'], string> = {
  operational: 'state-up',
  degraded: 'state-degraded',
  outage: 'state-down',
  unknown: 'state-unknown',
};
const KINDS: readonly string[] = ['website', 'public_service', 'mail_domain', 'dns_zone', 'other'];

const uptimeText = (n: number | null) =>
  n === null ? html`<span class="muted">${t('noFigure')}</span>` : fmtPercent(n);

function Banner({ services }: { services: PublicService[] }) {
  if (services.some((s) => s.state === 'outage'))
    return html`<p class="ps-banner ps-outage" role="status">${t('someDown')}</p>`;
  if (services.some((s) => s.state === 'degraded'))
    return html`<p class="ps-banner ps-degraded" role="status">${t('someDegraded')}</p>`;
  if (services.length && services.every((s) => s.state === 'operational'))
    return html`<p class="ps-banner ps-ok" role="status">${t('allGood')}</p>`;
  return null;
}

/**
 * The public status page (`/status`): no sign-in, no navigation, only what
 * `GET /api/public/status` tells anyone: the configured shared services, one state word each
 * and their uptime.
 */
export function PublicStatusPage() {
  const { data, error, updatedAt } = useApi<PublicStatus>(
    '/api/public/status',
    {},
    { pollMs: 30_000 },
  );
  const title = (lang() === 'en' ? data?.titleEn || data?.title : data?.title) || t('title');
  useEffect(() => {
    document.title = `${title} – NetWatch`;
  }, [title]);
  return html`<div class="ps-page">
    <header class="top ps-top">
      <span class="brand">NetWatch</span>
      <div class="top-right">
        <a href="/" class="small">${t('staff')}</a>
        <${LanguageSwitch} />
      </div>
    </header>
    <main id="main" tabindex="-1" class="ps-main">
      <h1 id="page-title">${title}</h1>
      <p class="muted">${t('intro')}</p>
      <${ErrorBox} error=${error} />
      ${
        !data
          ? !error && html`<${Loading} />`
          : html`<${Banner} services=${data.services} />
              <p class="muted small" data-testid="updated-at" aria-live="polite">
                ${t('updatedAt', { time: fmtTime(updatedAt ?? data.generatedAt) })}
              </p>
              <h2 class="ps-sr">${t('services')}</h2>
              ${
                data.services.length === 0
                  ? html`<p class="muted">${t('none')}</p>`
                  : html`<ul class="ps-list" data-testid="public-status">
                      ${data.services.map(
                        (s) =>
                          html`<li class="card ps-item" key=${`${s.kind}:${s.hostname}`}>
                            <div class="ps-name">
                              <h3>${s.name}</h3>
                              <span class="muted small ps-host"
                                >${`${KINDS.includes(s.kind) ? t(s.kind as Key) : s.kind} · ${s.hostname}`}</span
                              >
                            </div>
                            <span class=${`badge ps-state ${BADGE[s.state] ?? 'state-unknown'}`}
                              >${t(s.state in BADGE ? s.state : 'unknown')}</span
                            >
                            <dl class="ps-uptime">
                              <div>
                                <dt>${t('uptime24')}</dt>
                                <dd>${uptimeText(s.uptime['24h'])}</dd>
                              </div>
                              <div>
                                <dt>${t('uptime30')}</dt>
                                <dd>${uptimeText(s.uptime['30d'])}</dd>
                              </div>
                            </dl>
                          </li>`,
                      )}
                    </ul>`
              }`
      }
    </main>
  </div>`;
}
