import { html } from '../lib/html';

// Placeholder: replaced by the page's implementation.
export function PublicStatusPage() {
  return html`<h1>PublicStatusPage</h1>`;
}
