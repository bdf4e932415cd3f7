import { html } from '../lib/html';

// Placeholder: replaced by the page's implementation.
export function InventoryImportPage() {
  return html`<h1>InventoryImportPage</h1>`;
}
