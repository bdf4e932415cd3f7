/**
 * Vietnamese by default, English on request; the choice is kept in localStorage. Each page
 * declares its own messages next to its code with `messages({ vi, en })`: both languages must
 * have the same keys (the compiler checks it), so no page can miss a translation.
 */
export type Lang = 'vi' | 'en';

const LANG_KEY = 'nw.lang';
let current: Lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi';
const listeners = new Set<(lang: Lang) => void>();

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next;
  listeners.forEach((l) => l(next));
}

export function onLangChange(listener: (lang: Lang) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export type Params = Record<string, string | number>;

function fill(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** `const t = messages({ vi: { hi: 'Chào {name}' }, en: { hi: 'Hello {name}' } }); t('hi', { name })` */
export function messages<K extends string>(dict: {
  vi: Record<K, string>;
  en: Record<K, string>;
}): (key: K, params?: Params) => string {
  return (key, params) => fill(dict[current][key] ?? key, params);
}
