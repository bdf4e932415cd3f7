import { html } from '../lib/html';

// Placeholder: replaced by the page's implementation.
export function ReportsPage() {
  return html`<h1>ReportsPage</h1>`;
}
