namespace FastNode.Server.Commands;

/// <summary>
/// One row of the command table, shaped like Redis's command metadata.
/// Arity counts the command name: a positive value is exact, a negative one is a minimum.
/// FirstKey/LastKey/Step locate the keys (LastKey -1 = last argument), as COMMAND INFO reports them.
/// </summary>
public sealed record CommandDef(
    string Name,
    int Arity,
    CommandFlags Flags,
    int FirstKey,
    int LastKey,
    int Step,
    CommandHandler? Handler,
    string Group = "generic",
    string Summary = "",
    CommandDef[]? Subcommands = null)
{
    /// <summary>Lower-case name, as Redis prints it in errors and COMMAND replies ("get", "config|get").</summary>
    public string FullName { get; init; } = Name.ToLowerInvariant();

    /// <summary>Calls, time in the handler and failed calls since start or CONFIG RESETSTAT (INFO commandstats).</summary>
    public CommandStats Stats { get; } = new();

    /// <summary>Timed in runs of consecutive calls (see <see cref="CommandContext.BeginCommand"/>).</summary>
    public bool TimedInRuns { get; } = (Flags & (CommandFlags.Fast | CommandFlags.ShortRunning)) != 0;

    /// <summary>
    /// Runs inside the write gate and may reach the change feed: write commands, and EXEC (whose queued commands write).
    /// </summary>
    public bool ChangesData { get; } = (Flags & CommandFlags.Write) != 0 || Name == "EXEC";

    /// <summary>
    /// A FastNode type's write command (rate limits, locks) with its key at a fixed place: the state of that key is what
    /// propagates, not the call (see Persistence/StateRecords.cs). RL.MULTI records its keys itself.
    /// </summary>
    public bool RecordsState { get; } = Group is "ratelimit" or "lock" && (Flags & CommandFlags.Write) != 0 && FirstKey > 0;

    /// <summary>The subcommand lookup, built once from <see cref="Subcommands"/>.</summary>
    public CommandLookup? SubcommandLookup { get; } = Subcommands is null ? null : new CommandLookup(Subcommands);

    /// <summary>Index in the table's flat list (parents and subcommands), for per-command counters.</summary>
    public int Id { get; set; }
}
