import { html } from '../lib/html';

// Placeholder: replaced by the page's implementation.
export function IncidentDetailPage(_props: { id: string }) {
  return html`<h1>IncidentDetailPage</h1>`;
}
