import { describe, expect, it } from 'vitest';
import { describeMachine } from '../../../../server/inspect/machine-info.ts';
import { toSvg } from '../../../../server/inspect/svg.ts';
import { roomMachine } from '../../../../server/room/machine.ts';
import { statePaths, stateText } from './format';
import { highlightDiagram } from './highlight';

const svg = toSvg(describeMachine(roomMachine));
const marked = (drawing: string, kind: string) => [...drawing.matchAll(new RegExp(`<g class="[^"]* ${kind}" ([^>]*)>`, 'g'))].map((m) => m[1]);

describe('state values', () => {
  it('lists every state a value is in, outermost first', () => {
    expect(statePaths('unborn')).toEqual(['unborn']);
    expect(statePaths({ open: 'empty' })).toEqual(['open', 'open.empty']);
    expect(statePaths({ a: { b: 'c' }, d: 'e' })).toEqual(['a', 'a.b', 'a.b.c', 'd', 'd.e']);
    expect(stateText({ open: 'occupied' })).toBe('open.occupied');
    expect(stateText(null)).toBe('—');
  });
});

describe('highlighting the room diagram', () => {
  it('marks the states the room is in and nothing else', () => {
    const drawing = highlightDiagram(svg, { open: 'occupied' }, null);
    expect(marked(drawing, 'active')).toEqual(['data-state="open"', 'data-state="open.occupied"']);
    expect(marked(drawing, 'taken')).toEqual([]);
    expect(drawing.replace(/ active"/g, '"')).toBe(svg);
  });

  it('marks the arrow the event took', () => {
    expect(marked(highlightDiagram(svg, { open: 'empty' }, 'unborn'), 'taken')).toEqual(['data-from="unborn" data-to="open"']);
    expect(marked(highlightDiagram(svg, { open: 'occupied' }, { open: 'empty' }), 'taken')).toEqual([
      'data-from="open.empty" data-to="open.occupied"',
    ]);
    expect(marked(highlightDiagram(svg, 'closed', { open: 'empty' }), 'taken')).toEqual(['data-from="open.empty" data-to="closed"']);
  });
});
