import { html } from '../lib/html';

// Placeholder: replaced by the page's implementation.
export function IncidentsPage() {
  return html`<h1>IncidentsPage</h1>`;
}
