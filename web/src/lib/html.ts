import { h } from 'preact';
import htm from 'htm';

/**
 * JSX-like templates without a compile step of their own: `html\`<div>${x}</div>\``. htm is
 * tiny and lets esbuild bundle plain TypeScript.
 */
export const html = htm.bind(h);
