using FastNode.Cluster.Nodes;
using FastNode.Cluster.Placement;
using FastNode.Server.Config;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Cluster;

/// <summary>
/// cluster-auto-placement's driver: a background thread that asks <see cref="AutoPlacement"/> for the next step and
/// carries it out with ordinary commands, as redis-cli --cluster reshard would: CLUSTER SETSLOT IMPORTING on the
/// target, SETSLOT MIGRATING here, GETKEYSINSLOT and MIGRATE in batches of <see cref="BatchKeys"/> until the slot is
/// empty, then SETSLOT NODE on the target and here. Clients meanwhile get ASK for keys already moved and MOVED after.
/// Claims of unassigned slots run on the cluster thread directly. A refused or failed step leaves the slot as it is
/// (an open migration is resumed first next time) and is retried after <see cref="RetryMs"/>.
/// </summary>
internal sealed class PlacementDriver : IDisposable
{
    private const int BatchKeys = 100;
    private const int MaxBatchesPerSlot = 100_000;
    private const int IdleMs = 500;
    private const int RetryMs = 2000;
    private const int SettleMs = 3000;
    private const int LinkTimeoutMs = 15_000;
    private const int MigrateTimeoutMs = 10_000;

    private readonly ClusterHost _host;
    private readonly ServerOptions _options;
    private readonly Storage.SlotKeyIndex _slotKeys;
    private readonly ILogger _log;
    private readonly AutoPlacement _placement;
    private readonly Dictionary<NodeId, PlacementLink> _links = [];
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private int _slotsMoved;
    private long _keysMoved;
    private long _lastWarningAt = long.MinValue;

    public PlacementDriver(ClusterHost host, ServerState server, ILogger log)
    {
        _host = host;
        _options = server.Options;
        _slotKeys = server.Database(0).SlotKeys!;
        _log = log;
        // A failed node counts as departed after Redis's failure-report validity (2 x node-timeout) plus the settle
        // time: by then any election for it is long over and its write lease has long run out.
        _placement = new AutoPlacement(SettleMs, 2L * server.Options.ClusterNodeTimeout + SettleMs);
        _thread = new Thread(Run) { IsBackground = true, Name = "cluster-placement" };
        _thread.Start();
    }

    private void Run()
    {
        while (!_stop.IsSet)
        {
            int wait = IdleMs;
            try
            {
                if (_options.ClusterAutoPlacement)
                {
                    var step = _placement.Next(_host.View.Snapshot, Environment.TickCount64);
                    if (step.Kind != PlacementStepKind.None)
                    {
                        Execute(step);
                        wait = 0;
                    }
                    else ReportDone();
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or PlacementException
                or TimeoutException or InvalidOperationException or OperationCanceledException)
            {
                CloseLinks();
                wait = RetryMs;
                long now = Environment.TickCount64;
                if (now - _lastWarningAt >= 10_000)
                {
                    _lastWarningAt = now;
                    _log.LogWarning("Auto placement: step failed, retrying: {Error}", ex.Message);
                }
            }
            catch (Exception ex)
            {
                // A bug, not a refused step; the thread must not take the process down with it.
                CloseLinks();
                wait = RetryMs;
                _log.LogError(ex, "Auto placement");
            }
            if (wait > 0) _stop.Wait(wait);
        }
        CloseLinks();
    }

    private void Execute(PlacementStep step)
    {
        switch (step.Kind)
        {
            case PlacementStepKind.Claim:
                int claimed = _host.Invoke(node =>
                {
                    // Only slots still unassigned at this instant: a claim from elsewhere may have arrived meanwhile.
                    var map = node.Snapshot.Slots;
                    var free = new List<int>();
                    foreach (int slot in step.Slots!.Slots())
                    {
                        if (!map.IsAssigned(slot)) free.Add(slot);
                    }
                    if (free.Count > 0) node.AddSlots(SlotSet.FromSlots(free));
                    return free.Count;
                });
                _log.LogInformation("Auto placement: claimed {Count} unassigned slots", claimed);
                break;
            case PlacementStepKind.Adopt:
                int adopted = _host.Invoke(node => node.AdoptSlots(step.Target, step.Slots!));
                if (adopted > 0) _log.LogWarning("Auto placement: took over {Count} slots of failed primary {Node}, which had no replica (its keys are lost)", adopted, step.Target);
                else throw new PlacementException($"no majority to take over the slots of {step.Target.Short}");
                break;
            case PlacementStepKind.Migrate:
                Migrate(step.Slot, step.Target);
                break;
            case PlacementStepKind.Replicate:
                Self().Expect("CLUSTER", "REPLICATE", step.Target.ToString());
                _log.LogInformation("Auto placement: now a replica of {Primary}", step.Target);
                break;
        }
    }

    private void Migrate(int slot, NodeId target)
    {
        var snapshot = _host.View.Snapshot;
        var address = snapshot.Find(target)?.Config.Address ?? throw new PlacementException($"node {target} is gone");
        string me = snapshot.MyId.ToString();
        var self = Self();
        var destination = Link(target, address.Ip, address.Port, TargetPassword);
        string importing = destination.Call(out _, "CLUSTER", "SETSLOT", slot, "IMPORTING", me);
        // A retry after the target already took the slot only has to finish here.
        bool targetOwns = importing.StartsWith("-ERR I'm already the owner", StringComparison.Ordinal);
        if (importing != "+OK" && !targetOwns) throw new PlacementException($"SETSLOT IMPORTING on {target.Short}: {importing}");
        if (!targetOwns)
        {
            if (snapshot.Migrations.MigratingTo(slot) != target) self.Expect("CLUSTER", "SETSLOT", slot, "MIGRATING", target.ToString());
            // Most slots hold no key: the local index saves the GETKEYSINSLOT round trip for them.
            for (int batch = 0; batch < MaxBatchesPerSlot && _slotKeys.Count(slot) > 0; batch++)
            {
                self.Call(out var keys, "CLUSTER", "GETKEYSINSLOT", slot, BatchKeys);
                if (keys is null || keys.Count == 0) break;
                var args = new List<object> { "MIGRATE", address.Ip, address.Port, "", 0, MigrateTimeoutMs, "REPLACE" };
                if (TargetPassword.Length > 0) args.AddRange(["AUTH", TargetPassword]);
                args.Add("KEYS");
                args.AddRange(keys);
                string reply = self.Call(out _, [.. args]);
                if (reply != "+OK" && reply != "+NOKEY") throw new PlacementException($"MIGRATE of slot {slot}: {reply}");
                _keysMoved += keys.Count;
            }
            destination.Expect("CLUSTER", "SETSLOT", slot, "NODE", target.ToString());
        }
        self.Expect("CLUSTER", "SETSLOT", slot, "NODE", target.ToString());
        _slotsMoved++;
        _log.LogDebug("Auto placement: slot {Slot} moved to {Target}", slot, target);
    }

    /// <summary>The source's owner's copy is the one that counts, so MIGRATE replaces; the target may need a password.</summary>
    private string TargetPassword => _options.MasterAuth.Length > 0 ? _options.MasterAuth : _options.RequirePass;

    private PlacementLink Self()
    {
        var me = _host.View.Snapshot.Myself;
        return Link(me.Id, me.Config.Address.Ip, me.Config.Address.Port, _options.RequirePass);
    }

    private PlacementLink Link(NodeId id, string ip, int port, string password)
    {
        if (_links.TryGetValue(id, out var link)) return link;
        link = PlacementLink.Connect(ip, port, password, LinkTimeoutMs);
        _links[id] = link;
        return link;
    }

    private void ReportDone()
    {
        if (_slotsMoved == 0) return;
        _log.LogInformation("Auto placement: moved {Slots} slots ({Keys} keys); this node's slots follow the rendezvous placement", _slotsMoved, _keysMoved);
        _slotsMoved = 0;
        _keysMoved = 0;
        CloseLinks();
    }

    private void CloseLinks()
    {
        foreach (var link in _links.Values) link.Dispose();
        _links.Clear();
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
