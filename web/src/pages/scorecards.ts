import { html } from '../lib/html';

// Placeholder: replaced by the page's implementation.
export function ScorecardsPage(_props: { domain?: string }) {
  return html`<h1>ScorecardsPage</h1>`;
}
