// API reference: the overview page, then the sidebar TypeDoc generates (one category per entry
// point), written at build time by docusaurus-plugin-typedoc into generated/api/. Categories are
// labelled with the import specifier a user writes: `delphi-ts`, `delphi-ts/random`, …
const items = require('./generated/api/typedoc-sidebar.cjs');

function importName(label) {
  return label === 'index' ? 'delphi-ts' : `delphi-ts/${label}`;
}

const modules = items
  .filter((item) => item.id !== 'index')
  .map((item) => (item.type === 'category' ? { ...item, label: importName(item.label) } : item))
  // The root entry first, then the modules in alphabetical order.
  .sort((a, b) => (a.label === 'delphi-ts' ? -1 : b.label === 'delphi-ts' ? 1 : String(a.label).localeCompare(String(b.label))));

module.exports = { api: [{ type: 'doc', id: 'index', label: 'Overview' }, ...modules] };
