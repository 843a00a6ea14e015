using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// Writers that each own a share of the keys and loop SET then GET (bounded in count and time), keeping the last
/// value written per key and every exception seen.
/// </summary>
internal sealed class ClusterClientLoad : IDisposable
{
    private const int MaxOperations = 2_000_000;
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(15));
    private readonly Task[] _tasks;
    private long _operations;

    public ClusterClientLoad(IDatabase db, string[] values, int writers)
    {
        _tasks = new Task[writers];
        for (int w = 0; w < writers; w++)
        {
            int writer = w;
            _tasks[w] = Task.Run(() => Run(db, values, writer, writers));
        }
    }

    public List<string> Errors { get; } = [];

    public long Operations => Interlocked.Read(ref _operations);

    private void Run(IDatabase db, string[] values, int writer, int writers)
    {
        int round = 1;
        while (!_stop.IsCancellationRequested && Interlocked.Read(ref _operations) < MaxOperations)
        {
            for (int i = writer; i < values.Length && !_stop.IsCancellationRequested; i += writers)
            {
                string key = $"key:{i}", value = $"v{i}:{round}";
                try
                {
                    db.StringSet(key, value);
                    values[i] = value;
                    string? read = db.StringGet(key);
                    if (read != value) Record($"{key}: read {read ?? "(nil)"} after writing {value}");
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    Record($"{key}: {ex.GetType().Name}: {ex.Message}");
                    // An ambiguous failure: the write may or may not have happened, so the key is not checked.
                    values[i] = "(unknown)";
                }
                Interlocked.Add(ref _operations, 2);
            }
            round++;
        }
    }

    private void Record(string error)
    {
        lock (Errors)
        {
            if (Errors.Count < 20) Errors.Add(error);
        }
    }

    public void Stop()
    {
        _stop.Cancel();
        Task.WaitAll(_tasks, TimeSpan.FromSeconds(60));
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }
}
