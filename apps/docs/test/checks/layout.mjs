// Layout checks of one page at the page's current viewport, measured from the rendered boxes:
// nothing overflows the content column or the window, and (where the window is wide enough for
// the site's content column) no table needs a horizontal scroll.

/** The widths every page type is checked at: a phone, a laptop, a desktop. */
export const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1280, height: 900 },
  { width: 1920, height: 1080 },
];

/** From this width up, tables must fit their column without scrolling. */
export const NO_TABLE_SCROLL_FROM = 1280;

/** Runs in the page: what overflows horizontally, each as a short description. */
function overflows(noTableScroll) {
  const problems = [];
  const describe = (el) => {
    const id = el.getAttribute('data-test') ?? el.id ?? '';
    const text = (el.textContent ?? '').trim().slice(0, 40).replace(/\s+/g, ' ');
    return `<${el.tagName.toLowerCase()}${id ? ` ${id}` : ''}${el.className && typeof el.className === 'string' ? ` .${el.className.split(' ')[0]}` : ''}> "${text}"`;
  };
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1)
    problems.push(`the page is ${root.scrollWidth} px wide in a ${window.innerWidth} px window`);
  const column = document.querySelector('.vp-doc') ?? document.querySelector('main');
  if (column) {
    const box = column.getBoundingClientRect();
    // Any element sticking out of the column, except what VitePress places outside it by design
    // and inside the window: a heading's anchor in the margin, and on a phone code blocks that
    // run to the window's edges (each scrolls on its own). An element inside one with its own
    // scroll is that element's business (checked below at the widths where tables must fit).
    for (const el of column.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (getComputedStyle(el).position === 'fixed') continue;
      const inWindow = r.left >= -0.5 && r.right <= window.innerWidth + 0.5;
      if (inWindow && (el.classList.contains('header-anchor') || /(^|\s)language-/.test(el.className))) continue;
      if (inWindow && el.closest('[class*="language-"]')) continue;
      let clipped = false;
      for (let p = el.parentElement; p && p !== column; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') {
          clipped = true;
          break;
        }
      }
      if (clipped) continue;
      if (r.right > box.right + 1.5 || r.left < box.left - 1.5) {
        problems.push(
          `${describe(el)} spans ${Math.round(r.left)}-${Math.round(r.right)} px, outside the column's ${Math.round(box.left)}-${Math.round(box.right)}`,
        );
        if (problems.length > 8) break;
      }
    }
    if (noTableScroll) {
      for (const el of column.querySelectorAll('table, .zoo-table-scroll, div[class*="language-"]')) {
        if (el.tagName !== 'TABLE' && !el.classList.contains('zoo-table-scroll')) continue;
        if (el.scrollWidth > el.clientWidth + 1) problems.push(`${describe(el)} scrolls: ${el.scrollWidth} px in ${el.clientWidth} px`);
      }
    }
  }
  return problems;
}

/** What overflows on the page at its current viewport (see `overflows`). */
export function layoutProblems(page) {
  return page.evaluate(overflows, page.viewportSize().width >= NO_TABLE_SCROLL_FROM);
}

/** Asserts that the page at its current viewport overflows nowhere. */
export async function checkLayout({ page, assert, label }) {
  assert.deepEqual(await layoutProblems(page), [], `${label} at ${page.viewportSize().width} px`);
}
