using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FastNode.Protocol;
using FastNode.Server.Commands;
using Microsoft.Extensions.Logging;
using static FastNode.Server.Scripting.LuaNative;

namespace FastNode.Server.Scripting;

/// <summary>
/// The C functions behind the redis table (ScriptBootstrap.lua wraps them). They run on the thread that runs the
/// script, inside its lua_pcall, with the engine's lock held. None of them raises (see <see cref="LuaNative"/>):
/// a failure is returned as (error table, true) and the Lua wrapper raises it. Each catches every exception, since
/// one escaping an UnmanagedCallersOnly method ends the process.
/// </summary>
public sealed unsafe partial class ScriptEngine
{
    [UnmanagedCallersOnly]
    private static int Call(IntPtr l) => Guarded(l, raise: true);

    [UnmanagedCallersOnly]
    private static int PCall(IntPtr l) => Guarded(l, raise: false);

    private static int Guarded(IntPtr l, bool raise)
    {
        var engine = t_running;
        if (engine is null) return PushError(l, "ERR redis.call is only available while a script runs", raise);
        int enforced = engine._heap->Enforced;
        engine._heap->Enforced = 0;
        try
        {
            return engine.RunCommand(l, raise);
        }
        catch (Exception ex)
        {
            engine._log.LogError(ex, "redis.call failed unexpectedly");
            return PushError(l, "ERR internal error", raise);
        }
        finally
        {
            engine._heap->Enforced = enforced;
        }
    }

    /// <summary>
    /// Fails the running C function: for redis.pcall returns {err=message} as its result; otherwise arms the bootstrap's
    /// one-shot return hook, which raises {err=message} as this function returns (see ScriptBootstrap). Returns the
    /// number of results.
    /// </summary>
    private static int PushError(IntPtr l, string message, bool raise)
    {
        lua_settop(l, 0);
        var engine = t_running;
        if (raise && engine is not null) lua_rawgeti(l, RegistryIndex, engine._armRef);
        lua_createtable(l, 0, 1);
        PushBytes(l, System.Text.Encoding.UTF8.GetBytes(message));
        SetField(l, -2, "err\0"u8);
        if (!raise || engine is null) return 1;
        lua_call(l, 1, 0);
        return 0;
    }

    /// <summary>
    /// redis.call / redis.pcall: the arguments become a command run through the dispatcher's script path, its reply is
    /// captured in <see cref="_reply"/> (RESP2 or RESP3 as the script chose) and converted to Lua.
    /// </summary>
    private int RunCommand(IntPtr l, bool raise)
    {
        int count = lua_gettop(l);
        if (count == 0) return PushError(l, "ERR Please specify at least one argument for this redis lib call", raise);
        if (!TryGatherArguments(l, count, out var args)) return PushError(l, "ERR Lua redis lib command arguments must be strings or integers", raise);
        _reply.ResetWrittenCount();
        var inner = new CommandContext(new RespWriter(_reply, _resp3), _caller!, _server);
        string? refused;
        try
        {
            refused = Dispatcher.ExecuteFromScript(ref inner, args, this);
        }
        finally
        {
            inner.LeaveWriteGate();
            inner.EndBatch();
            inner.Writer.Commit();
        }
        if (refused is not null) return PushError(l, refused, raise);
        var reply = _reply.WrittenSpan;
        if (reply.Length == 0)
        {
            lua_pushboolean(l, 0);
            return 1;
        }
        if (raise && reply[0] is (byte)'-' or (byte)'!')
        {
            lua_rawgeti(l, RegistryIndex, _armRef);
            RespToLua.Push(l, reply, 0);
            lua_call(l, 1, 0);
            return 0;
        }
        RespToLua.Push(l, reply, 0);
        return 1;
    }

    /// <summary>
    /// The Lua stack's <paramref name="count"/> values as command arguments (numbers formatted as Redis formats them),
    /// copied into the engine's reused buffers; the stack is emptied. False, with the stack as it was, when a value is
    /// neither a string nor a number.
    /// </summary>
    private bool TryGatherArguments(IntPtr l, int count, out CommandArgs args)
    {
        args = default;
        if (count > _argRanges.Length) Array.Resize(ref _argRanges, Math.Max(count, _argRanges.Length * 2));
        int used = 0;
        Span<byte> number = stackalloc byte[40];
        for (int i = 1; i <= count; i++)
        {
            int type = lua_type(l, i);
            scoped ReadOnlySpan<byte> bytes;
            if (type == TNumber)
            {
                // Redis 7.0 formats numbers with %.17g: 0.1 is "0.10000000000000001", 3 is "3".
                bytes = number[..RespWriter.FormatDouble(lua_tonumber(l, i), number)];
            }
            else if (type == TString) bytes = ToBytes(l, i);
            else return false;
            if (used + bytes.Length > _argBytes.Length) Array.Resize(ref _argBytes, Math.Max(used + bytes.Length, _argBytes.Length * 2));
            bytes.CopyTo(_argBytes.AsSpan(used));
            _argRanges[i - 1] = new ArgRange(used, bytes.Length);
            used += bytes.Length;
        }
        lua_settop(l, 0);
        args = new CommandArgs(_argBytes.AsSpan(0, used), _argRanges.AsSpan(0, count));
        return true;
    }

    /// <summary>
    /// The ACL check without a log entry. With the wrong number of arguments the key positions are unknown, so only
    /// the command permission is checked.
    /// </summary>
    private bool CallerMayRun(CommandDef def, CommandArgs args)
    {
        var user = _caller?.User ?? _server.Acl.Default;
        var state = user.State;
        if (state.Unrestricted) return true;
        if (def.Arity > 0 ? args.Count == def.Arity : args.Count >= -def.Arity)
            return Acl.UserDirectory.Evaluate(state, def, args, out _) == Acl.AclDenial.None;
        if (state.Root.IsAllowed(def.Id)) return true;
        foreach (var selector in state.Selectors)
        {
            if (selector.IsAllowed(def.Id)) return true;
        }
        return false;
    }

    /// <summary>What the dispatcher's script path needs to know about the running script.</summary>
    internal bool ReadOnly => _readOnly;

    /// <summary>False after redis.set_repl(redis.REPL_NONE): the script's writes do not reach the AOF or replicas.</summary>
    internal bool Propagates => _replication != 0;

    /// <summary>Called by the dispatcher before a write runs: from then on SCRIPT KILL answers UNKILLABLE.</summary>
    internal void MarkWrite() => _wrote = true;

    /// <summary>The count hook: returns the kill error once SCRIPT KILL / FUNCTION KILL asked for it, else nothing.</summary>
    [UnmanagedCallersOnly]
    private static int Hook(IntPtr l)
    {
        var engine = t_running;
        if (engine is null) return 0;
        try
        {
            if (engine._loadDeadline != 0) return engine.LoadTimedOut ? PushError(l, "ERR FUNCTION LOAD timeout", raise: false) : 0;
            engine.OnHook();
            if (!engine._killRequested) return 0;
            // Redis 7.0 names SCRIPT KILL here even when FUNCTION KILL stopped a function.
            return PushError(l, "ERR Script killed by user with SCRIPT KILL...", raise: false);
        }
        catch (Exception ex)
        {
            engine._log.LogError(ex, "script hook failed unexpectedly");
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static int Sha1Hex(IntPtr l)
    {
        if (lua_gettop(l) != 1) return PushError(l, "ERR wrong number of arguments", raise: true);
        Span<byte> hash = stackalloc byte[20];
        Span<byte> hex = stackalloc byte[40];
        var bytes = lua_type(l, 1) is TString or TNumber ? ToBytes(l, 1) : default;
        SHA1.HashData(bytes, hash);
        for (int i = 0; i < 20; i++)
        {
            hex[2 * i] = (byte)"0123456789abcdef"[hash[i] >> 4];
            hex[2 * i + 1] = (byte)"0123456789abcdef"[hash[i] & 15];
        }
        PushBytes(l, hex);
        return 1;
    }

    [UnmanagedCallersOnly]
    private static int Log(IntPtr l)
    {
        int count = lua_gettop(l);
        if (count < 2) return PushError(l, "ERR redis.log() requires two arguments or more.", raise: true);
        if (lua_type(l, 1) != TNumber) return PushError(l, "ERR First argument must be a number (log level).", raise: true);
        double level = lua_tonumber(l, 1);
        if (level < 0 || level > 3) return PushError(l, "ERR Invalid debug level.", raise: true);
        if (t_running is not { } engine) return 0;
        try
        {
            var text = new System.Text.StringBuilder();
            for (int i = 2; i <= count; i++)
            {
                if (lua_type(l, i) is not (TString or TNumber)) continue;
                if (text.Length > 0) text.Append(' ');
                text.Append(ToText(l, i));
            }
            var logLevel = (int)level switch { 0 => LogLevel.Debug, 1 or 2 => LogLevel.Information, _ => LogLevel.Warning };
            engine._log.Log(logLevel, "{Message}", text.ToString());
        }
        catch (Exception)
        {
            // Logging never fails a script.
        }
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int SetResp(IntPtr l)
    {
        if (lua_gettop(l) != 1) return PushError(l, "ERR redis.setresp() requires one argument.", raise: true);
        double resp = lua_type(l, 1) == TNumber ? lua_tonumber(l, 1) : 0;
        if (resp is not (2 or 3)) return PushError(l, "ERR RESP version must be 2 or 3.", raise: true);
        if (t_running is { } engine) engine._resp3 = resp == 3;
        return 0;
    }

    [UnmanagedCallersOnly]
    private static int SetRepl(IntPtr l)
    {
        if (lua_gettop(l) != 1) return PushError(l, "ERR redis.set_repl() requires one argument.", raise: true);
        double flags = lua_type(l, 1) == TNumber ? lua_tonumber(l, 1) : -1;
        if (flags is < 0 or > 3 || flags != Math.Floor(flags))
            return PushError(l, "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.", raise: true);
        if (t_running is { } engine) engine._replication = (int)flags;
        return 0;
    }

    /// <summary>
    /// redis.acl_check_cmd(command, args...): whether the user running the script may run that command with those
    /// arguments (command, key and channel permissions; nothing is logged); an unknown command is an error, as in Redis.
    /// </summary>
    [UnmanagedCallersOnly]
    private static int AclCheck(IntPtr l)
    {
        var engine = t_running;
        if (engine is null) return 0;
        try
        {
            if (lua_gettop(l) == 0) return PushError(l, "ERR Please specify at least one argument for this redis lib call", raise: true);
            if (!engine.TryGatherArguments(l, lua_gettop(l), out var args))
                return PushError(l, "ERR Lua redis lib command arguments must be strings or integers", raise: true);
            var def = engine._server.Commands.Lookup.Find(args[0]);
            if (def?.SubcommandLookup is not null && args.Count >= 2) def = def.SubcommandLookup.Find(args[1]);
            if (def is null) return PushError(l, "ERR Invalid command passed to redis.acl_check_cmd()", raise: true);
            lua_pushboolean(l, engine.CallerMayRun(def, args) ? 1 : 0);
            return 1;
        }
        catch (Exception)
        {
            return PushError(l, "ERR internal error", raise: true);
        }
    }
}
