import { html } from '../lib/html';

// Placeholder: replaced by the page's implementation.
export function InventoryPage() {
  return html`<h1>InventoryPage</h1>`;
}
