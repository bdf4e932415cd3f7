export { LABELS, labelsFor, type Labels } from './labels';
export {
  TIME_ZONE,
  categoryLabel,
  escapeHtml,
  eventLabel,
  formatTime,
  oneLine,
  renderHtml,
  renderText,
  severityLabel,
  statusLabel,
  truncate,
  type RenderedText,
} from './render';
