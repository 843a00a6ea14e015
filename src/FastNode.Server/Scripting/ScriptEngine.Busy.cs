namespace FastNode.Server.Scripting;

/// <summary>Runaway scripts: BUSY for other clients after busy-reply-threshold, SCRIPT KILL and FUNCTION KILL.</summary>
public sealed partial class ScriptEngine
{
    public const string NotBusy = "NOTBUSY No scripts in execution right now.";

    /// <summary>Called every <see cref="HookInstructions"/> instructions of a running script.</summary>
    private void OnHook()
    {
    }

    /// <summary>
    /// SCRIPT KILL (<paramref name="function"/> false) or FUNCTION KILL: null once the running script is told to stop
    /// (at its next hook), else Redis's refusal: nothing running, the other kind running, or it already wrote.
    /// </summary>
    public string? Kill(bool function)
    {
        if (!_running) return NotBusy;
        if (_caller?.IsMasterLink == true)
            return "UNKILLABLE The busy script was sent by a master instance in the context of replication and cannot be killed.";
        if (_wrote)
            return "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
        if (_isFunction != function) return NotBusy;
        _killRequested = true;
        return null;
    }
}
