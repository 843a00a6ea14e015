using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using FastNode.Protocol;
using FastNode.Server.Commands;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging;
using static FastNode.Server.Scripting.LuaNative;

namespace FastNode.Server.Scripting;

/// <summary>
/// One Lua 5.1 state per server, shared by EVAL scripts and FUNCTION libraries as in Redis, and run by one caller at
/// a time (<see cref="_lock"/>). Lock order: write gate, then the database's shard locks (the caller takes both, as
/// EXEC does), then this engine's lock. Everything that touches the Lua state holds that lock.
/// </summary>
public sealed unsafe partial class ScriptEngine : IDisposable
{
    /// <summary>Instructions between checks of a running script (Redis's count hook runs every 100000 too).</summary>
    private const int HookInstructions = 100_000;

    /// <summary>The most a Lua state may hold; a script that needs more fails with "not enough memory".</summary>
    public const long MemoryLimit = 1024L * 1024 * 1024;

    private static readonly byte[] UserScriptChunk = "@user_script\0"u8.ToArray();

    [ThreadStatic] private static ScriptEngine? t_running;

    private readonly ServerState _server;
    private readonly Lock _lock = new();
    private readonly ILogger _log;
    private readonly Dictionary<ScriptSha, CachedScript> _scripts = [];
    private readonly ArrayBufferWriter<byte> _reply = new(4096);
    private byte[] _argBytes = new byte[1024];
    private ArgRange[] _argRanges = new ArgRange[16];
    private IntPtr _l;
    private LuaHeap* _heap;
    private int _envRef, _errorHandlerRef, _setfenvRef, _armRef;

    // The running script's state (under _lock), read by other threads for BUSY and SCRIPT KILL where marked volatile.
    private ClientSession? _caller;
    private string _runName = "";
    private bool _resp3;
    private bool _readOnly;
    private int _replication;
    private volatile bool _running;      // claimed (TryClaim) until Release: other clients wait or get -BUSY
    private int _claimed;
    private volatile bool _isFunction;
    private volatile bool _wrote;
    private volatile bool _killRequested;
    private long _startedAt;

    /// <summary>Cluster mode: the slot the running script's keys must be in (-1 until its first key).</summary>
    internal int ClusterSlot { get; set; } = -1;

    /// <summary>The running script declared allow-cross-slot-keys.</summary>
    internal bool AllowsCrossSlot { get; private set; }

    public ScriptEngine(ServerState server)
    {
        _server = server;
        _log = server.Loggers.CreateLogger("FastNode.Scripting");
        Open();
    }

    /// <summary>False when liblua5.1 is not installed; every scripting command then says so.</summary>
    public static bool Available => LuaLibrary.Available;

    /// <summary>Number of cached EVAL scripts (INFO number_of_cached_scripts).</summary>
    public int CachedScripts
    {
        get
        {
            lock (_lock) return _scripts.Count;
        }
    }

    /// <summary>Bytes held by the Lua state (INFO used_memory_lua).</summary>
    public long UsedMemory => _heap == null ? 0 : Volatile.Read(ref _heap->Used);

    private void Open()
    {
        _heap = (LuaHeap*)NativeMemory.AllocZeroed((nuint)sizeof(LuaHeap));
        _heap->Limit = MemoryLimit;
        _l = lua_newstate(&LuaHeap.Allocate, (IntPtr)_heap);
        if (_l == IntPtr.Zero) throw new InvalidOperationException("lua_newstate failed");
        OpenLibrary(&luaopen_base_export, ""u8);
        OpenLibrary(&luaopen_table_export, "table\0"u8);
        OpenLibrary(&luaopen_string_export, "string\0"u8);
        OpenLibrary(&luaopen_math_export, "math\0"u8);
        OpenLibrary(&luaopen_debug_export, "debug\0"u8);
        if (LuaLibrary.OpenCjson != null) OpenLibrary(LuaLibrary.OpenCjson, "cjson\0"u8);
        if (LuaLibrary.OpenBit != null) OpenLibrary(LuaLibrary.OpenBit, "bit\0"u8);
        LuaModules.OpenStruct(_l);
        LuaModules.OpenCmsgpack(_l);
        RunBootstrap();
        OpenFunctions();
    }

    // The standard libraries' openers, reached through function pointers (lua_pushcclosure needs one).
    [UnmanagedCallersOnly] private static int luaopen_base_export(IntPtr l) => luaopen_base(l);
    [UnmanagedCallersOnly] private static int luaopen_table_export(IntPtr l) => luaopen_table(l);
    [UnmanagedCallersOnly] private static int luaopen_string_export(IntPtr l) => luaopen_string(l);
    [UnmanagedCallersOnly] private static int luaopen_math_export(IntPtr l) => luaopen_math(l);
    [UnmanagedCallersOnly] private static int luaopen_debug_export(IntPtr l) => luaopen_debug(l);

    /// <summary>Calls a library's opener and makes its table a global (lua-cjson does not register one itself).</summary>
    private void OpenLibrary(delegate* unmanaged<IntPtr, int> opener, ReadOnlySpan<byte> name)
    {
        lua_pushcclosure(_l, opener, 0);
        PushBytes(_l, name.Length > 0 ? name[..^1] : name);
        if (lua_pcall(_l, 1, 1, 0) != Ok) throw new InvalidOperationException("opening a Lua library failed: " + ToText(_l, -1));
        if (name.Length > 0 && lua_type(_l, -1) == TTable) SetField(_l, GlobalsIndex, name);
        lua_settop(_l, 0);
    }

    private void RunBootstrap()
    {
        var code = System.Text.Encoding.UTF8.GetBytes(ScriptBootstrap.Code);
        fixed (byte* p = code)
        fixed (byte* name = "=bootstrap\0"u8)
        {
            if (luaL_loadbuffer(_l, p, (nuint)code.Length, name) != Ok) throw new InvalidOperationException(ToText(_l, -1));
        }
        lua_pushcclosure(_l, &Call, 0);
        lua_pushcclosure(_l, &PCall, 0);
        lua_pushcclosure(_l, &Hook, 0);
        lua_pushcclosure(_l, &Sha1Hex, 0);
        lua_pushcclosure(_l, &Log, 0);
        lua_pushcclosure(_l, &SetResp, 0);
        lua_pushcclosure(_l, &SetRepl, 0);
        lua_pushcclosure(_l, &AclCheck, 0);
        PushBytes(_l, System.Text.Encoding.ASCII.GetBytes(ServerInfo.RedisVersion));
        lua_pushnumber(_l, VersionNumber(ServerInfo.RedisVersion));
        if (lua_pcall(_l, 10, 5, 0) != Ok) throw new InvalidOperationException("scripting bootstrap failed: " + ToText(_l, -1));
        // Returned: env, on_error, install_hook, setfenv, arm.
        _armRef = luaL_ref(_l, RegistryIndex);
        lua_pushvalue(_l, 3);
        lua_pushinteger(_l, HookInstructions);
        lua_call(_l, 1, 0);   // install_hook(HookInstructions)
        _setfenvRef = luaL_ref(_l, RegistryIndex);
        Pop(_l, 1);
        _errorHandlerRef = luaL_ref(_l, RegistryIndex);
        _envRef = luaL_ref(_l, RegistryIndex);
        lua_settop(_l, 0);
        _heap->Enforced = 1;
    }

    /// <summary>REDIS_VERSION_NUM: 0x00MMmmpp, 7.0.15 = 458767.</summary>
    private static int VersionNumber(string version)
    {
        var parts = version.Split('.');
        return int.Parse(parts[0]) << 16 | int.Parse(parts[1]) << 8 | int.Parse(parts[2]);
    }

    /// <summary>The cached script with this SHA1, or null (EVALSHA's NOSCRIPT).</summary>
    public CachedScript? Find(ScriptSha sha)
    {
        lock (_lock) return _scripts.GetValueOrDefault(sha);
    }

    /// <summary>SCRIPT EXISTS.</summary>
    public bool Exists(ScriptSha sha)
    {
        lock (_lock) return _scripts.ContainsKey(sha);
    }

    /// <summary>
    /// Compiles and caches an EVAL script (or returns the cached one). Null with <paramref name="error"/> set for a bad
    /// shebang or a compile error, in Redis's words.
    /// </summary>
    public CachedScript? Load(ReadOnlySpan<byte> body, ScriptSha sha, out string? error)
    {
        error = ScriptFlagNames.ParseShebang(body, out var flags, out int shebangLength);
        if (error is not null) return null;
        lock (_lock)
        {
            if (_scripts.TryGetValue(sha, out var cached))
            {
                error = null;
                return cached;
            }
            if (!Compile(body, shebangLength, UserScriptChunk, out error)) return null;
            var script = new CachedScript(sha, luaL_ref(_l, RegistryIndex), flags);
            _scripts[sha] = script;
            return script;
        }
    }

    /// <summary>
    /// Compiles a chunk into a function that runs in the protected environment, left on the stack (lock held).
    /// A shebang line is blanked rather than cut so that line numbers in errors stay the user's.
    /// </summary>
    internal bool Compile(ReadOnlySpan<byte> body, int blankPrefix, ReadOnlySpan<byte> chunkName, out string? error)
    {
        error = null;
        byte[]? copy = null;
        if (blankPrefix > 0)
        {
            copy = body.ToArray();
            copy.AsSpan(0, blankPrefix).Fill((byte)' ');
            body = copy;
        }
        int status;
        fixed (byte* p = body)
        fixed (byte* name = chunkName)
        {
            status = luaL_loadbuffer(_l, p, (nuint)body.Length, name);
        }
        if (status != Ok)
        {
            error = "ERR Error compiling script (new function): " + (ToText(_l, -1) ?? "unknown error");
            Pop(_l, 1);
            return false;
        }
        lua_rawgeti(_l, RegistryIndex, _envRef);
        lua_setfenv(_l, -2);
        return true;
    }

    /// <summary>SCRIPT FLUSH: forgets every cached script (their functions become garbage).</summary>
    public void FlushScripts()
    {
        lock (_lock)
        {
            foreach (var script in _scripts.Values) luaL_unref(_l, RegistryIndex, script.FunctionRef);
            _scripts.Clear();
            lua_gc(_l, GcCollect, 0);
        }
    }

    /// <summary>
    /// Runs a cached EVAL script and writes its reply (or error) to <paramref name="ctx"/>. The caller holds the write
    /// gate and every shard lock of the client's database.
    /// </summary>
    public void RunScript(ref CommandContext ctx, CachedScript script, CommandArgs keys, CommandArgs argv, bool readOnly, int slot)
    {
        _lock.Enter();
        ClusterSlot = slot;
        AllowsCrossSlot = (script.Flags & ScriptFlags.AllowCrossSlotKeys) != 0;
        try
        {
            lua_settop(_l, 0);
            lua_rawgeti(_l, RegistryIndex, _errorHandlerRef);
            lua_rawgeti(_l, RegistryIndex, script.FunctionRef);
            SetGlobalArray(keys, "KEYS\0"u8);
            SetGlobalArray(argv, "ARGV\0"u8);
            Execute(ref ctx, 0, script.Name, readOnly || (script.Flags & ScriptFlags.NoWrites) != 0, isFunction: false);
        }
        finally
        {
            _lock.Exit();
        }
    }

    private void SetGlobalArray(CommandArgs values, ReadOnlySpan<byte> name)
    {
        lua_createtable(_l, values.Count, 0);
        for (int i = 0; i < values.Count; i++)
        {
            PushBytes(_l, values[i]);
            lua_rawseti(_l, -2, i + 1);
        }
        SetField(_l, GlobalsIndex, name);
    }

    /// <summary>Arguments pushed as Lua strings (FCALL passes keys and args as the function's two parameters).</summary>
    private void PushArray(CommandArgs values)
    {
        lua_createtable(_l, values.Count, 0);
        for (int i = 0; i < values.Count; i++)
        {
            PushBytes(_l, values[i]);
            lua_rawseti(_l, -2, i + 1);
        }
    }

    /// <summary>
    /// Calls the function at stack index 2 (error handler at 1, then <paramref name="nargs"/> arguments) and writes
    /// the reply. Lock held. The caller's selected database and EXEC state come back as they were (SELECT inside a
    /// script does not leak, as in Redis 7.0).
    /// </summary>
    private void Execute(ref CommandContext ctx, int nargs, string name, bool readOnly, bool isFunction)
    {
        var session = ctx.Session;
        int db = session.DbIndex;
        bool inExec = session.InExec;
        _runName = name;
        _resp3 = false;
        _readOnly = readOnly;
        _replication = 3;
        _isFunction = isFunction;
        t_running = this;
        session.InExec = true;
        var feed = _server.Feed;
        feed.BeginTransaction();
        try
        {
            int status = lua_pcall(_l, nargs, 1, 1);
            _heap->Enforced = 0;
            if (status == Ok) LuaToResp.Write(_l, ref ctx.Writer, _resp3);
            else ctx.Writer.WriteError(ErrorMessage(status));
        }
        finally
        {
            _heap->Enforced = 1;
            t_running = null;
            session.DbIndex = db;
            session.InExec = inExec;
            session.FeedOffset = Math.Max(session.FeedOffset, feed.EndTransaction());
            lua_settop(_l, 0);
            ctx.SkipPropagation();
        }
    }

    /// <summary>The error a failed script replies with: its message, then "script: NAME, on SOURCE:LINE." as in Redis 7.0.</summary>
    private string ErrorMessage(int status)
    {
        if (status == ErrMem) return $"ERR Error running script, Lua memory limit ({MemoryLimit / (1024 * 1024)} MB) reached: not enough memory script: {_runName}";
        if (lua_type(_l, -1) != TTable) return $"ERR {ToText(_l, -1) ?? "unknown error"} script: {_runName}";
        GetRaw(-1, "err"u8);
        var message = ToText(_l, -1) ?? "ERR unknown error";
        Pop(_l, 1);
        GetRaw(-1, "source"u8);
        var source = ToText(_l, -1);
        Pop(_l, 1);
        GetRaw(-1, "line"u8);
        var line = lua_type(_l, -1) == TNumber ? ((long)lua_tonumber(_l, -1)).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        Pop(_l, 1);
        return source is null ? $"{message} script: {_runName}" : $"{message} script: {_runName}, on {source}:{line}.";
    }

    private void GetRaw(int table, ReadOnlySpan<byte> key)
    {
        PushBytes(_l, key);
        lua_rawget(_l, table - 1);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_l != IntPtr.Zero) lua_close(_l);
            _l = IntPtr.Zero;
            if (_heap != null) NativeMemory.Free(_heap);
            _heap = null;
        }
    }
}
