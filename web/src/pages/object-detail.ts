import { html } from '../lib/html';

// Placeholder: replaced by the page's implementation.
export function ObjectDetailPage(_props: { type: string; id: string }) {
  return html`<h1>ObjectDetailPage</h1>`;
}
