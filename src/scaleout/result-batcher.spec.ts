import { ResultBatcher } from './result-batcher';

describe('ResultBatcher', () => {
  it('sends a full batch at once and the rest after batchMs; push resolves once sent', async () => {
    const sent: { items: number[]; id: string }[] = [];
    const b = new ResultBatcher<number>(
      async (items, id) => {
        sent.push({ items, id });
      },
      { batchMs: 30, batchSize: 3, name: 'w1' },
    );
    const first = [1, 2, 3].map((n) => b.push(n));
    await Promise.all(first);
    expect(sent).toEqual([{ items: [1, 2, 3], id: 'w1-1' }]);
    const late = b.push(4);
    expect(sent).toHaveLength(1);
    await late;
    expect(sent[1]).toEqual({ items: [4], id: 'w1-2' });
  });

  it('retries a failed send with the same batch id until it gets through', async () => {
    const ids: string[] = [];
    let fail = 2;
    const retries: number[] = [];
    const b = new ResultBatcher<string>(
      async (_items, id) => {
        ids.push(id);
        if (fail-- > 0) throw new Error('connection lost');
      },
      { batchMs: 1, batchSize: 10, name: 'w', onRetry: (_e, n) => retries.push(n) },
    );
    await b.push('r');
    expect(ids).toEqual(['w-1', 'w-1', 'w-1']);
    expect(retries).toEqual([1, 2]);
  });

  it('close() flushes what is waiting and then refuses results', async () => {
    const got: number[] = [];
    const b = new ResultBatcher<number>(
      async (items) => {
        got.push(...items);
      },
      { batchMs: 10_000, batchSize: 100, name: 'w' },
    );
    const p = b.push(7);
    await b.close();
    await p;
    expect(got).toEqual([7]);
    await expect(b.push(8)).rejects.toThrow(/closed/);
  });
});
