import { html } from '../lib/html';

// Placeholder: replaced by the page's implementation.
export function OverviewPage() {
  return html`<h1>OverviewPage</h1>`;
}
