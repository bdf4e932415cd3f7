import { html } from '../lib/html';

// Placeholder: replaced by the page's implementation.
export function AdminPage(_props: { tab: string }) {
  return html`<h1>AdminPage</h1>`;
}
