import type { VacancyDocumentKind } from '../../../db/schema.js';

/** A job description or person specification may be this large: a long PDF with a logo fits. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
/** The field every document input is named. */
export const DOCUMENT_FIELD = 'document';

export const documentKinds: readonly VacancyDocumentKind[] = ['job_description', 'person_specification', 'other'];
export const documentKindNames: Record<VacancyDocumentKind, string> = {
  job_description: 'Job description',
  person_specification: 'Person specification',
  other: 'Other information',
};

export interface DocumentType {
  extension: 'pdf' | 'docx' | 'odt' | 'doc';
  contentType: string;
  name: string;
}

const types = {
  pdf: { extension: 'pdf', contentType: 'application/pdf', name: 'PDF' },
  docx: {
    extension: 'docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    name: 'Word document',
  },
  odt: { extension: 'odt', contentType: 'application/vnd.oasis.opendocument.text', name: 'OpenDocument text' },
  doc: { extension: 'doc', contentType: 'application/msword', name: 'Word 97–2003 document' },
} satisfies Record<string, DocumentType>;

const zipSignature = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const oleSignature = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const odtMimetype = 'mimetypeapplication/vnd.oasis.opendocument.text';

/**
 * What a file is, read from its content; its name and the type the browser claimed are not asked,
 * so an .exe renamed .pdf is refused. A PDF starts `%PDF-`; an OpenDocument text is a ZIP whose
 * first entry is its uncompressed `mimetype`; a Word document (.docx) is a ZIP with a
 * `word/document.xml`; a Word 97–2003 document is an OLE compound file (whose stream names, in
 * UTF-16, include "WordDocument").
 */
export function documentTypeOf(bytes: Buffer): DocumentType | null {
  if (bytes.length >= 5 && bytes.toString('latin1', 0, 5) === '%PDF-') return types.pdf;
  if (bytes.subarray(0, 4).equals(zipSignature)) {
    // The first local header: 30 bytes, then its file name, then (stored) its data.
    const nameLength = bytes.length >= 30 ? bytes.readUInt16LE(26) : 0;
    const firstEntry = bytes.toString('latin1', 30, 30 + nameLength + odtMimetype.length - 'mimetype'.length);
    if (nameLength === 8 && firstEntry === odtMimetype) return types.odt;
    if (bytes.includes('word/document.xml', 0, 'latin1') && bytes.includes('[Content_Types].xml', 0, 'latin1'))
      return types.docx;
    return null;
  }
  if (bytes.subarray(0, 8).equals(oleSignature) && bytes.includes(Buffer.from('WordDocument', 'utf16le')))
    return types.doc;
  return null;
}

/**
 * The name a download is saved under: the uploaded name without any folder, its characters kept to
 * those safe in a header and a file system, ending in the extension its content has.
 */
export function safeFileName(uploaded: string, type: DocumentType): string {
  const base = uploaded.split(/[\\/]/).pop() ?? '';
  const stem = base
    .replace(/\.[^.]*$/, '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9 ._()-]+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100);
  return `${stem || 'document'}.${type.extension}`;
}

/** The Content-Disposition of a download: always saved, never shown in the browser as a page. */
export function attachmentHeader(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
