/** A child of `el`: a node, or a string that becomes a text node (never parsed as HTML). */
export type Child = Node | string | number | null | undefined | false;

/** Attributes and properties `el` sets; `testid` becomes `data-testid`. */
export interface ElementProps {
  testid?: string;
  className?: string;
  /** Plain attributes, `data-*` and `aria-*` included. */
  attrs?: Record<string, string | number | boolean | null | undefined>;
  on?: Partial<Record<keyof HTMLElementEventMap, (event: Event) => void>>;
}

/**
 * Creates an element. Everything the panel shows may come from a person's migration files, so
 * text only ever goes in as text nodes: there is no path from data to `innerHTML`.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.testid !== undefined) element.dataset.testid = props.testid;
  if (props.className !== undefined) element.className = props.className;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [type, handler] of Object.entries(props.on ?? {})) {
    element.addEventListener(type, handler as EventListener);
  }
  append(element, children);
  return element;
}

/** One term and its value in a `<dl>`. */
export function fact(term: string, value: string): HTMLDivElement {
  return el('div', {}, el('dt', {}, term), el('dd', {}, value));
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'number' ? String(child) : child);
  }
}
