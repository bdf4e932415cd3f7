import { html } from '../lib/html';

// Placeholder: replaced by the page's implementation.
export function InventoryEditPage(_props: { type: string; id: string }) {
  return html`<h1>InventoryEditPage</h1>`;
}
