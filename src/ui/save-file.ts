/** Offers a file to the person as a download, under `fileName`. */
export function saveFile(contents: Blob | Uint8Array, fileName: string): void {
  const blob =
    contents instanceof Blob
      ? contents
      : new Blob([contents as Uint8Array<ArrayBuffer>], { type: 'application/vnd.sqlite3' });
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  link.click();
  // The download has started by then; the URL only pins the blob in memory.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
