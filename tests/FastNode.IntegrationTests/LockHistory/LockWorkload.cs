using System.Net.Sockets;
using System.Text;

namespace FastNode.IntegrationTests.LockHistory;

/// <summary>The shape of a workload run: how many clients, which keys, the lease and the limiter.</summary>
public sealed record WorkloadOptions(
    int Clients = 4,
    int Locks = 2,
    int LeaseMs = 400,
    int WaitMs = 300,
    int ReplyTimeoutMs = 1500,
    int MaxOpsPerClient = 20_000,
    string RateKey = "rate",
    string KeyPrefix = "",
    int RateLimit = 10,
    int RateWindowMs = 500);

/// <summary>
/// A stop-the-world pause of one client, set from outside (by the nemesis) while the client holds a lock, and taken at
/// its next step boundary as a holder: after a grant or a renewal told it that it holds the lock, before the write
/// that relies on it. It stands for a GC pause, swapping or a VM migration of the holder's process: the client's own
/// code does not decide when it stops, and it does not notice.
/// </summary>
public sealed class PauseGate
{
    private long _pauseMs;

    public int PausesWhileHolding { get; private set; }

    public void Request(int ms) => Interlocked.Exchange(ref _pauseMs, ms);

    /// <summary>Takes a requested pause: called only where the client holds a lock.</summary>
    public void Checkpoint()
    {
        long ms = Interlocked.Exchange(ref _pauseMs, 0);
        if (ms <= 0) return;
        PausesWhileHolding++;
        Thread.Sleep((int)ms);
    }
}

/// <summary>
/// One client of the workload, run on a thread of its own: it acquires a random lock (LOCK.ACQUIRE with WAIT),
/// makes one to four fenced writes to the <see cref="FencedResource"/> with its token, renewing the lease now and then,
/// releases it, sometimes reads LOCK.INFO, and asks the rate limiter (RL.SLIDINGLOG). Every command is recorded in the
/// history as invoke and ok/fail/info. A timeout or a dropped connection is info: the client then continues as a new
/// process (its number + <see cref="WorkloadOptions.Clients"/>), on a new connection to the current primary. Owners
/// are unique per acquisition, so the history can tell grants apart.
/// </summary>
public sealed class WorkloadClient(int index, WorkloadOptions options, HistoryRecorder history, FencedResource resource,
    Func<(string Host, int Port)> primary, int seed)
{
    private readonly Random _random = new(seed);
    private RawClient? _connection;
    private string _endpoint = "";
    private string? _redirect;
    private int _process = index;
    private int _acquisitions;

    public PauseGate Gate { get; } = new();

    /// <summary>Set between a grant and the end of the client's writes under it: the nemesis pauses holders.</summary>
    public volatile bool Holding;

    public int Operations { get; private set; }

    public void Run(DateTime deadline)
    {
        try
        {
            while (DateTime.UtcNow < deadline && Operations < options.MaxOpsPerClient) Step();
        }
        finally
        {
            _connection?.Dispose();
        }
    }

    private void Step()
    {
        string key = $"{options.KeyPrefix}lock:{_random.Next(options.Locks)}";
        string owner = $"c{index}.{_acquisitions++}";
        var (outcome, token) = Send(OpKind.Acquire, key, owner, options.LeaseMs,
            ["LOCK.ACQUIRE", key, owner, options.LeaseMs.ToString(), "WAIT", options.WaitMs.ToString()], options.WaitMs);
        if (outcome == EventType.Ok)
        {
            Holding = true;
            bool lost = false;
            int writes = 1 + _random.Next(4);
            for (int w = 0; w < writes && !lost; w++)
            {
                if (w > 0 && _random.Next(2) == 0)
                {
                    var (renewed, _) = Send(OpKind.Renew, key, owner, options.LeaseMs, ["LOCK.RENEW", key, owner, options.LeaseMs.ToString()]);
                    if (renewed != EventType.Ok) break;
                }
                // The holder may be stopped here, after its grant or renewal told it that it holds the lock, and
                // before the write that relies on it: the pause that breaks a lease without fencing.
                Gate.Checkpoint();
                lost = !FencedWrite(key, owner, token);
                Thread.Sleep(_random.Next(1, 8));
            }
            Holding = false;
            Send(OpKind.Release, key, owner, 0, ["LOCK.RELEASE", key, owner]);
        }
        else
        {
            Thread.Sleep(_random.Next(1, 10));
        }
        if (_random.Next(4) == 0) Send(OpKind.Read, key, "", 0, ["LOCK.INFO", key]);
        Send(OpKind.Admit, options.KeyPrefix + options.RateKey, "", 1,
            ["RL.SLIDINGLOG", options.KeyPrefix + options.RateKey, options.RateLimit.ToString(), options.RateWindowMs.ToString()]);
    }

    private bool FencedWrite(string key, string owner, long token)
    {
        history.Add(_process, EventType.Invoke, OpKind.Write, key, owner, token);
        bool accepted = resource.Write(key, owner, _process, token);
        history.Add(_process, accepted ? EventType.Ok : EventType.Fail, OpKind.Write, key, owner, token);
        Operations++;
        return accepted;
    }

    /// <summary>
    /// Sends one command and records it. Definite outcomes: the documented replies, and READONLY (a replica executes
    /// nothing). Any other error, a timeout or a lost connection is info, since the command may have taken effect.
    /// </summary>
    private (EventType Outcome, long Value) Send(OpKind kind, string key, string owner, long invokeValue, string[] command, int extraWaitMs = 0)
    {
        if (!EnsureConnected()) return (EventType.Fail, 0);
        Operations++;
        history.Add(_process, EventType.Invoke, kind, key, owner, invokeValue);
        string reply;
        try
        {
            _connection!.Send(Resp.Command(command));
            reply = _connection.ReadReply(options.ReplyTimeoutMs + extraWaitMs);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or ObjectDisposedException)
        {
            Retire(kind, key, owner, ex.GetType().Name);
            return (EventType.Info, 0);
        }
        if (reply.StartsWith("-READONLY") || reply.StartsWith("-MOVED") || reply.StartsWith("-CLUSTERDOWN") || reply.StartsWith("-TRYAGAIN"))
        {
            // Refused before running: a replica, another node's slot, or a cluster without this slot's owner.
            history.Add(_process, EventType.Fail, kind, key, owner, 0, reply.TrimEnd());
            Reconnect();
            if (reply.StartsWith("-MOVED")) _redirect = reply.Split(' ')[2].TrimEnd();
            else Thread.Sleep(20);
            return (EventType.Fail, 0);
        }
        if (reply.StartsWith('-'))
        {
            Retire(kind, key, owner, reply.TrimEnd());
            return (EventType.Info, 0);
        }
        var (outcome, value, shownOwner) = Interpret(kind, reply);
        // A read names the node that served it: the checker trusts only reads served by the primary of the moment.
        history.Add(_process, outcome, kind, key, kind == OpKind.Read ? shownOwner : owner, value, kind == OpKind.Read ? _endpoint : "");
        return (outcome, value);
    }

    private static (EventType, long, string) Interpret(OpKind kind, string reply)
    {
        switch (kind)
        {
            case OpKind.Acquire:
                return reply.StartsWith(':') ? (EventType.Ok, long.Parse(reply[1..].TrimEnd()), "") : (EventType.Fail, 0, "");
            case OpKind.Renew:
            case OpKind.Release:
                return reply == ":1\r\n" ? (EventType.Ok, 1, "") : (EventType.Fail, 0, "");
            case OpKind.Admit:
                return reply.StartsWith("*5\r\n:1\r\n") ? (EventType.Ok, 1, "") : (EventType.Fail, 0, "");
            case OpKind.Read:
                return ReadLockInfo(reply);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>LOCK.INFO in RESP2: owner, ttl_ms, token, waiters as name/value pairs, or a null array when not held.</summary>
    private static (EventType, long, string) ReadLockInfo(string reply)
    {
        if (reply.StartsWith("*-1")) return (EventType.Ok, 0, "");
        var lines = reply.Split("\r\n");
        string owner = "";
        long token = 0;
        for (int i = 0; i + 2 < lines.Length; i++)
        {
            if (lines[i] == "owner") owner = lines[i + 2];
            if (lines[i] == "token") token = long.Parse(lines[i + 1][1..]);
        }
        return (EventType.Ok, token, owner);
    }

    /// <summary>Info ends this process: the client goes on as a new one, on a new connection.</summary>
    private void Retire(OpKind kind, string key, string owner, string detail)
    {
        history.Add(_process, EventType.Info, kind, key, owner, 0, detail);
        _process += options.Clients;
        Reconnect();
    }

    private void Reconnect()
    {
        _connection?.Abort();
        _connection = null;
    }

    private bool EnsureConnected()
    {
        if (_connection is not null) return true;
        var (host, port) = primary();
        if (_redirect is not null)
        {
            int colon = _redirect.LastIndexOf(':');
            (host, port) = (_redirect[..colon], int.Parse(_redirect[(colon + 1)..]));
            _redirect = null;
        }
        try
        {
            _connection = RawClient.Connect(host, port);
            _endpoint = $"{host}:{port}";
            return true;
        }
        catch (SocketException)
        {
            // Nothing was sent: not an operation. The nemesis is restarting or promoting; try again shortly.
            Thread.Sleep(50);
            return false;
        }
    }

    public override string ToString() => new StringBuilder().Append("client ").Append(index).Append(" ops=").Append(Operations).ToString();
}
