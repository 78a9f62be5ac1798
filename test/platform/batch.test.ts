import { perTurn } from '../../src/platform/batch';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('perTurn: work handed in during one turn of the event loop is done together', () => {
  test('items of one turn reach run in one call, in the order they came', async () => {
    const calls: number[][] = [];
    const add = perTurn<number>((items) => { calls.push([...items]); }, { failed: () => { throw new Error('not expected'); } });
    for (let i = 0; i < 5; i++) add(i);
    expect(calls).toEqual([]); // nothing runs while the turn is still handing items in
    await nextTurn();
    expect(calls).toEqual([[0, 1, 2, 3, 4]]);
  });

  test('items of different turns are separate calls; an item alone is a call of one', async () => {
    const calls: string[][] = [];
    const add = perTurn<string>((items) => { calls.push([...items]); }, { failed: () => undefined });
    add('a');
    await nextTurn();
    add('b');
    add('c');
    await nextTurn();
    add('d');
    await nextTurn();
    expect(calls).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  test('run gets at most max items at a time, every item once, in order', async () => {
    const calls: number[][] = [];
    const add = perTurn<number>((items) => { calls.push([...items]); }, { max: 32, failed: () => undefined });
    for (let i = 0; i < 70; i++) add(i);
    await nextTurn();
    expect(calls.map((c) => c.length)).toEqual([32, 32, 6]);
    expect(calls.flat()).toEqual(Array.from({ length: 70 }, (_, i) => i));
  });

  test('when run throws, failed gets the error and those items; the rest of the turn still runs', async () => {
    const ran: number[][] = [];
    const failures: Array<{ message: string; items: number[] }> = [];
    const add = perTurn<number>((items) => {
      if (items.includes(3)) throw new Error('broken chunk');
      ran.push([...items]);
    }, { max: 2, failed: (err, items) => failures.push({ message: (err as Error).message, items: [...items] }) });
    for (let i = 0; i < 6; i++) add(i);
    await nextTurn();
    expect(ran).toEqual([[0, 1], [4, 5]]);
    expect(failures).toEqual([{ message: 'broken chunk', items: [2, 3] }]);
    // The queue is not left stuck: the next turn's items run.
    add(9);
    await nextTurn();
    expect(ran).toEqual([[0, 1], [4, 5], [9]]);
  });

  test('max must be a positive integer', () => {
    for (const max of [0, -1, 1.5, Number.NaN]) expect(() => perTurn(() => undefined, { max, failed: () => undefined })).toThrow(/max must be a positive integer/);
  });
});

test('when failed throws too, that is a process warning and the other items still run', async () => {
  const ran: number[][] = [];
  const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    const add = perTurn<number>((items) => {
      if (items[0] === 0) throw new Error('run broke');
      ran.push([...items]);
    }, { max: 1, failed: () => { throw new Error('failed broke'); } });
    add(0);
    add(1);
    await nextTurn();
    expect(ran).toEqual([[1]]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toBe('failed broke');
    expect(warn.mock.calls[0][1]).toMatchObject({ type: 'PerTurnFailed', detail: expect.stringContaining('failed broke') });
  } finally {
    warn.mockRestore();
  }
});
