namespace FastNode.Server.Persistence.Replication;

/// <summary>What a replica said with REPLCONF before PSYNC/SYNC (kept on its session until it becomes a replica).</summary>
public sealed class ReplicaHandshake
{
    /// <summary>REPLCONF listening-port: where the replica accepts clients (INFO slaveN port=).</summary>
    public int ListeningPort;

    /// <summary>REPLCONF ip-address: the address the replica announces (replica-announce-ip).</summary>
    public string? AnnouncedIp;

    /// <summary>REPLCONF capa eof: the replica can read a snapshot of unknown length ("$EOF:" form).</summary>
    public bool CapaEof;

    /// <summary>REPLCONF capa psync2: the replica understands "+CONTINUE new-replid".</summary>
    public bool CapaPsync2;

    /// <summary>REPLCONF rdb-only 1: only the snapshot, no stream after it (redis-cli --rdb).</summary>
    public bool RdbOnly;
}
