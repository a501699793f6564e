import { el, replaceChildren } from './dom.ts';
import type { Note } from './notes-store.ts';

/** What the notes list shows. */
export interface NotesState {
  notes: Note[];
  /** False while the tab must not write (a newer version changed the database). */
  writable: boolean;
  /** The last write's failure, shown under the form. */
  problem: string | null;
}

/** What the notes view asks for. */
export interface NotesActions {
  add(content: string): Promise<void>;
  remove(id: number): Promise<void>;
}

/**
 * Builds the notes section once (so typing survives updates from other tabs) and returns the
 * function that re-renders its list.
 */
export function createNotesView(
  root: HTMLElement,
  actions: NotesActions,
): (state: NotesState) => void {
  const input = el('input', {
    testid: 'note-input',
    attrs: {
      type: 'text',
      name: 'note',
      placeholder: 'Write a note…',
      'aria-label': 'New note',
      autocomplete: 'off',
    },
  });
  const add = el('button', { testid: 'note-add', attrs: { type: 'submit' } }, 'Add');
  const problem = el('p', {
    testid: 'note-problem',
    className: 'error-line',
    attrs: { hidden: true },
  });
  const list = el('ul', { testid: 'notes-list', className: 'notes' });
  const form = el('form', { className: 'note-form' }, input, add);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const content = input.value.trim();
    if (content === '') return;
    input.value = '';
    void actions.add(content);
  });
  replaceChildren(root, el('h2', {}, 'Notes'), form, problem, list);

  return (state) => {
    input.disabled = !state.writable;
    add.disabled = !state.writable;
    problem.hidden = state.problem === null;
    problem.textContent = state.problem ?? '';
    replaceChildren(
      list,
      ...(state.notes.length === 0
        ? [el('li', { className: 'muted empty' }, 'No notes yet.')]
        : []),
      ...state.notes.map((note) =>
        el(
          'li',
          { testid: 'note', attrs: { 'data-id': note.id } },
          el('p', { testid: 'note-text', className: 'note-text' }, note.content),
          el('span', { className: 'meta' }, `${note.created_at} UTC`),
          el(
            'button',
            {
              testid: 'note-delete',
              className: 'link',
              attrs: {
                type: 'button',
                disabled: !state.writable,
                'aria-label': `Delete note ${note.id}`,
              },
              on: { click: () => void actions.remove(note.id) },
            },
            'Delete',
          ),
        ),
      ),
    );
  };
}
