/**
 * The name an upgraded copy is offered under: `notes.db` → `notes-upgraded.db`. The extension
 * (`.db`, `.sqlite`, …) is replaced by `.db`, so the person's original name stays recognisable and
 * the original file is never overwritten by a download.
 */
export function upgradedFileName(fileName: string): string {
  const base = fileName.replace(/\.[^./\\]{1,12}$/, '') || 'database';
  return `${base}-upgraded.db`;
}
