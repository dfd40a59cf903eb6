// Reads a policy file of a version so that validation problems can be shown at their cells:
// .xlsx (a zip of XML, inflated with the browser's DecompressionStream), .csv, and text (.drl).
import {session} from './api.js';

/** The file's bytes as the server keeps them for that version. */
export async function fetchFile(version, path) {
  const headers = {};
  if (session.key()) headers['X-API-Key'] = session.key();
  const res = await fetch('/api/v1/rulesets/' + encodeURIComponent(version) + '/files/' + path.split('/').map(encodeURIComponent).join('/'), {headers});
  if (!res.ok) throw new Error('HTTP ' + res.status);
  return new Uint8Array(await res.arrayBuffer());
}

/** {sheetName: rows}, rows being arrays of cell texts (row 1 at index 0, column A at index 0). */
export async function readSheets(path, bytes) {
  const lower = path.toLowerCase();
  if (lower.endsWith('.xlsx')) return readXlsx(bytes);
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  if (lower.endsWith('.csv')) return {'': parseCsv(text)};
  return {'': text.split(/\r?\n/).map(line => [line])};
}

export function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** Column letters to a 0-based index: A -> 0, AA -> 26. */
export function columnIndex(letters) {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export function columnName(index) {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + (n - 1) % 26) + s;
  return s;
}

async function readXlsx(bytes) {
  const zip = await unzip(bytes);
  const xml = name => zip[name] ? new DOMParser().parseFromString(new TextDecoder().decode(zip[name]), 'application/xml') : null;
  const all = (doc, tag) => doc ? Array.from(doc.getElementsByTagNameNS('*', tag)) : [];
  const shared = all(xml('xl/sharedStrings.xml'), 'si').map(si => all(si, 't').map(x => x.textContent).join(''));
  const rels = {};
  all(xml('xl/_rels/workbook.xml.rels'), 'Relationship').forEach(r => {
    const target = r.getAttribute('Target');
    rels[r.getAttribute('Id')] = target.startsWith('/') ? target.slice(1) : 'xl/' + target;
  });
  const sheets = {};
  for (const s of all(xml('xl/workbook.xml'), 'sheet')) {
    const id = s.getAttribute('r:id') || s.getAttributeNS('http://schemas.openxmlformats.org/officeDocument/2006/relationships', 'id');
    const doc = xml(rels[id]);
    const rows = [];
    for (const c of all(doc, 'c')) {
      const m = /^([A-Z]+)(\d+)$/.exec(c.getAttribute('r') || '');
      if (!m) continue;
      const type = c.getAttribute('t');
      const v = all(c, 'v')[0];
      let text = '';
      if (type === 's') text = shared[Number(v && v.textContent)] ?? '';
      else if (type === 'inlineStr') text = all(c, 't').map(x => x.textContent).join('');
      else text = v ? v.textContent : '';
      const r = Number(m[2]) - 1, col = columnIndex(m[1]);
      while (rows.length <= r) rows.push([]);
      rows[r][col] = text;
    }
    sheets[s.getAttribute('name')] = rows;
  }
  return sheets;
}

/** {entryName: bytes} of a zip: central directory, then each local entry, inflated when deflated. */
async function unzip(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip');
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const out = {};
  for (let n = 0; n < count; n++) {
    if (view.getUint32(p, true) !== 0x02014b50) break;
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true), extraLen = view.getUint16(p + 30, true), commentLen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.subarray(start, start + size);
    if (name.endsWith('.xml') || name.endsWith('.rels')) {
      out[name] = method === 0 ? data : new Uint8Array(await new Response(
        new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer());
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Saves a file of a version through the browser (a plain link could not send the API key). */
export async function downloadFile(version, path) {
  const bytes = await fetchFile(version, path);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes]));
  a.download = path.split('/').pop();
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
