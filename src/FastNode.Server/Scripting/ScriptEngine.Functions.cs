using System.Diagnostics;
using FastNode.Protocol;
using static FastNode.Server.Scripting.LuaNative;

namespace FastNode.Server.Scripting;

/// <summary>
/// FUNCTION libraries in the engine's one Lua state (docs/scripting.md, Functions). A library's code runs once, at
/// FUNCTION LOAD, through <see cref="FunctionBootstrap"/>'s loader, bounded by <see cref="LoadTimeoutMs"/> as in Redis;
/// the callbacks it registered stay as registry references until the library is replaced, deleted or flushed.
/// Function names are case-insensitive and library names case-sensitive, as in Redis 7.0.
/// </summary>
public sealed unsafe partial class ScriptEngine
{
    /// <summary>Redis 7.0's bound on a library's load-time code (LOAD_TIMEOUT_MS).</summary>
    public const int LoadTimeoutMs = 500;

    private static readonly byte[] UserFunctionChunk = "@user_function\0"u8.ToArray();

    private readonly Dictionary<string, FunctionLibrary> _libraries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LibraryFunction> _functions = new(StringComparer.OrdinalIgnoreCase);
    // _libraries sorted by name, replaced (never changed) after each change under _lock: a snapshot reads it at its
    // point with writers paused, where waiting for _lock (held by a running script) is not allowed.
    private volatile FunctionLibrary[] _published = [];
    private int _loadLibraryRef;
    private long _loadDeadline;
    // The running FCALL's arguments, copied into buffers reused from call to call (FUNCTION STATS turns them into
    // strings; FCALL itself allocates nothing for them). Guarded by _commandLock, which STATS takes from other threads.
    private readonly Lock _commandLock = new();
    private byte[] _commandBytes = new byte[256];
    private ArgRange[] _commandRanges = new ArgRange[8];
    private int _commandCount;   // 0 while no function runs

    private void OpenFunctions()
    {
        var code = System.Text.Encoding.UTF8.GetBytes(FunctionBootstrap.Code);
        fixed (byte* p = code)
        fixed (byte* name = "=function_bootstrap\0"u8)
        {
            if (luaL_loadbuffer(_l, p, (nuint)code.Length, name) != Ok) throw new InvalidOperationException(ToText(_l, -1));
        }
        lua_rawgeti(_l, RegistryIndex, _envRef);
        lua_pushvalue(_l, GlobalsIndex);
        lua_rawgeti(_l, RegistryIndex, _setfenvRef);
        lua_pushcclosure(_l, &Log, 0);
        PushBytes(_l, System.Text.Encoding.ASCII.GetBytes(ServerInfo.RedisVersion));
        lua_pushnumber(_l, VersionNumber(ServerInfo.RedisVersion));
        if (lua_pcall(_l, 6, 1, 0) != Ok) throw new InvalidOperationException("function bootstrap failed: " + ToText(_l, -1));
        _loadLibraryRef = luaL_ref(_l, RegistryIndex);
        lua_settop(_l, 0);
    }

    /// <summary>Number of libraries and of functions (FUNCTION STATS).</summary>
    public (int Libraries, int Functions) FunctionCounts()
    {
        lock (_lock) return (_libraries.Count, _functions.Count);
    }

    /// <summary>The function FCALL names, or null. Looked up by span: no string per call.</summary>
    public LibraryFunction? FindFunction(ReadOnlySpan<byte> name)
    {
        // Function names are letters, digits and underscores: a name's chars are as many as its bytes.
        Span<char> chars = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        int length = System.Text.Encoding.UTF8.GetChars(name, chars);
        lock (_lock)
        {
            return _functions.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..length], out var function) ? function : null;
        }
    }

    /// <summary>The libraries, sorted by name (FUNCTION LIST, DUMP).</summary>
    public List<FunctionLibrary> Libraries() => new(_published);

    /// <summary>
    /// The libraries, sorted by name, without taking the engine's lock: what the RDB and the AOF base file save. Read
    /// it with writers paused (FUNCTION LOAD/DELETE/FLUSH/RESTORE are writes) to get the set at a snapshot's point.
    /// </summary>
    public FunctionLibrary[] PublishedLibraries => _published;

    /// <summary>Refreshes <see cref="_published"/> after a change (lock held).</summary>
    private void PublishLocked()
    {
        var list = new FunctionLibrary[_libraries.Count];
        _libraries.Values.CopyTo(list, 0);
        Array.Sort(list, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        _published = list;
    }

    /// <summary>
    /// FUNCTION LOAD: returns the library's name, or null with Redis's error. With <paramref name="replace"/> an
    /// existing library of that name is replaced; on any error the libraries stay as they were.
    /// </summary>
    public string? LoadLibrary(byte[] code, bool replace, out string? error)
    {
        error = FunctionMetadata.Parse(code, out var name, out int shebangLength);
        if (error is not null) return null;
        lock (_lock)
        {
            if (!replace && _libraries.ContainsKey(name!))
            {
                error = $"ERR Library '{name}' already exists";
                return null;
            }
            var library = Run(code, shebangLength, name!, out error);
            if (library is null) return null;
            _libraries.TryGetValue(name!, out var old);
            foreach (var function in library.Functions)
            {
                if (_functions.TryGetValue(function.Name, out var existing) && existing.Library != old)
                {
                    Unref(library);
                    error = $"ERR Function {function.Name} already exists";
                    return null;
                }
            }
            if (old is not null) RemoveLocked(old);
            _libraries[library.Name] = library;
            foreach (var function in library.Functions) _functions[function.Name] = function;
            PublishLocked();
            return library.Name;
        }
    }

    /// <summary>Compiles and runs a library's code (lock held): its functions, or null with the error.</summary>
    private FunctionLibrary? Run(byte[] code, int shebangLength, string name, out string? error)
    {
        error = null;
        var body = (byte[])code.Clone();
        body.AsSpan(0, shebangLength).Fill((byte)' ');
        lua_settop(_l, 0);
        lua_rawgeti(_l, RegistryIndex, _loadLibraryRef);
        int status;
        fixed (byte* p = body)
        fixed (byte* chunk = UserFunctionChunk)
        {
            status = luaL_loadbuffer(_l, p, (nuint)body.Length, chunk);
        }
        if (status != Ok)
        {
            error = "ERR Error compiling function: " + (ToText(_l, -1) ?? "unknown error");
            lua_settop(_l, 0);
            return null;
        }
        _loadDeadline = Stopwatch.GetTimestamp() + LoadTimeoutMs * Stopwatch.Frequency / 1000;
        t_running = this;
        try
        {
            status = lua_pcall(_l, 1, 2, 0);
        }
        finally
        {
            t_running = null;
            _loadDeadline = 0;
        }
        try
        {
            if (status != Ok)
            {
                error = status == ErrMem
                    ? "ERR Error registering functions: ERR Lua memory limit reached: not enough memory"
                    : "ERR Error registering functions: ERR " + (ToText(_l, -1) ?? "unknown error");
                return null;
            }
            if (lua_type(_l, 1) != TTable)
            {
                error = "ERR Error registering functions: " + (ToText(_l, 2) ?? "ERR unknown error");
                return null;
            }
            int count = (int)lua_objlen(_l, 1);
            if (count == 0)
            {
                error = "ERR No functions registered";
                return null;
            }
            var library = new FunctionLibrary(name, code);
            for (int i = 1; i <= count; i++)
            {
                lua_rawgeti(_l, 1, i);                       // { name, callback, flags, description }
                lua_rawgeti(_l, -1, 1);
                var functionName = ToText(_l, -1)!;
                lua_rawgeti(_l, -2, 3);
                var flags = (ScriptFlags)(int)lua_tonumber(_l, -1);
                lua_rawgeti(_l, -3, 4);
                var description = lua_type(_l, -1) == TString ? ToText(_l, -1) : null;
                Pop(_l, 3);
                lua_rawgeti(_l, -1, 2);
                int callback = luaL_ref(_l, RegistryIndex);
                Pop(_l, 1);
                library.Functions.Add(new LibraryFunction(library, functionName, callback, flags, description));
            }
            return library;
        }
        finally
        {
            lua_settop(_l, 0);
        }
    }

    /// <summary>
    /// FUNCTION RESTORE (and loading a dataset): loads every library of <paramref name="codes"/> under the policy, all
    /// or nothing; null, or Redis's error with the libraries as they were.
    /// </summary>
    public string? RestoreLibraries(List<byte[]> codes, RestorePolicy policy)
    {
        lock (_lock)
        {
            var loaded = new List<FunctionLibrary>(codes.Count);
            string? error = null;
            foreach (var code in codes)
            {
                error = FunctionMetadata.Parse(code, out var name, out int shebangLength);
                if (error is not null) break;
                var library = Run(code, shebangLength, name!, out error);
                if (library is null) break;
                loaded.Add(library);
            }
            error ??= CheckRestore(loaded, policy);
            if (error is not null)
            {
                foreach (var library in loaded) Unref(library);
                return error;
            }
            if (policy == RestorePolicy.Flush)
            {
                foreach (var library in _libraries.Values) Unref(library);
                _libraries.Clear();
                _functions.Clear();
            }
            foreach (var library in loaded)
            {
                if (_libraries.TryGetValue(library.Name, out var old)) RemoveLocked(old);
                _libraries[library.Name] = library;
                foreach (var function in library.Functions) _functions[function.Name] = function;
            }
            PublishLocked();
            return null;
        }
    }

    /// <summary>Name collisions of restored libraries, among themselves and with those that stay.</summary>
    private string? CheckRestore(List<FunctionLibrary> loaded, RestorePolicy policy)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var functions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var library in loaded)
        {
            if (!names.Add(library.Name)) return $"ERR Library {library.Name} already exists";
            if (policy == RestorePolicy.Append && _libraries.ContainsKey(library.Name)) return $"ERR Library {library.Name} already exists";
            foreach (var function in library.Functions)
            {
                if (!functions.Add(function.Name)) return $"ERR Function {function.Name} already exists";
            }
        }
        if (policy == RestorePolicy.Flush) return null;
        foreach (var function in _functions.Values)
        {
            if (names.Contains(function.Library.Name)) continue;   // replaced
            if (functions.Contains(function.Name)) return $"ERR Function {function.Name} already exists";
        }
        return null;
    }

    /// <summary>The load-time count hook: Redis's "FUNCTION LOAD timeout" once the load has run too long.</summary>
    private bool LoadTimedOut => _loadDeadline != 0 && Stopwatch.GetTimestamp() > _loadDeadline;

    /// <summary>FUNCTION DELETE: false when there is no such library.</summary>
    public bool DeleteLibrary(ReadOnlySpan<byte> name)
    {
        var text = System.Text.Encoding.UTF8.GetString(name);
        lock (_lock)
        {
            if (!_libraries.TryGetValue(text, out var library)) return false;
            RemoveLocked(library);
            PublishLocked();
            lua_gc(_l, GcCollect, 0);
            return true;
        }
    }

    /// <summary>FUNCTION FLUSH, FUNCTION RESTORE FLUSH and loading a dataset: every library goes.</summary>
    public void FlushFunctions()
    {
        lock (_lock)
        {
            foreach (var library in _libraries.Values) Unref(library);
            _libraries.Clear();
            _functions.Clear();
            PublishLocked();
            lua_gc(_l, GcCollect, 0);
        }
    }

    private void RemoveLocked(FunctionLibrary library)
    {
        _libraries.Remove(library.Name);
        foreach (var function in library.Functions) _functions.Remove(function.Name);
        Unref(library);
    }

    private void Unref(FunctionLibrary library)
    {
        foreach (var function in library.Functions) luaL_unref(_l, RegistryIndex, function.CallbackRef);
    }

    /// <summary>
    /// Runs a function (FCALL / FCALL_RO) and writes its reply to <paramref name="ctx"/>; the caller holds the write
    /// gate and every shard lock of the client's database, as for <see cref="RunScript"/>.
    /// </summary>
    public void RunFunction(ref Commands.CommandContext ctx, LibraryFunction function, CommandArgs keys, CommandArgs argv, bool readOnly, int slot)
    {
        _lock.Enter();
        ClusterSlot = slot;
        AllowsCrossSlot = (function.Flags & ScriptFlags.AllowCrossSlotKeys) != 0;
        try
        {
            if (!_functions.TryGetValue(function.Name, out var current) || current != function)
            {
                ctx.Writer.WriteError("ERR Function not found");   // deleted or replaced while this call waited
                return;
            }
            SetRunningCommand(ctx.Args);
            lua_settop(_l, 0);
            lua_rawgeti(_l, RegistryIndex, _errorHandlerRef);
            lua_rawgeti(_l, RegistryIndex, function.CallbackRef);
            PushArray(keys);
            PushArray(argv);
            Execute(ref ctx, 2, function.Name, readOnly || (function.Flags & ScriptFlags.NoWrites) != 0, isFunction: true);
        }
        finally
        {
            lock (_commandLock) _commandCount = 0;
            _lock.Exit();
        }
    }

    private void SetRunningCommand(CommandArgs args)
    {
        int total = 0;
        for (int i = 0; i < args.Count; i++) total += args[i].Length;
        lock (_commandLock)
        {
            if (_commandBytes.Length < total) _commandBytes = new byte[Math.Max(total, _commandBytes.Length * 2)];
            if (_commandRanges.Length < args.Count) _commandRanges = new ArgRange[Math.Max(args.Count, _commandRanges.Length * 2)];
            int used = 0;
            for (int i = 0; i < args.Count; i++)
            {
                var arg = args[i];
                arg.CopyTo(_commandBytes.AsSpan(used));
                _commandRanges[i] = new ArgRange(used, arg.Length);
                used += arg.Length;
            }
            _commandCount = args.Count;
        }
    }

    /// <summary>FUNCTION STATS' running_script: the function's name, its command and milliseconds so far, or null.</summary>
    public (string Name, string[] Command, long DurationMs)? RunningFunction()
    {
        string[] command;
        lock (_commandLock)
        {
            if (!_running || !_isFunction || _commandCount == 0) return null;
            command = new string[_commandCount];
            for (int i = 0; i < command.Length; i++)
            {
                var range = _commandRanges[i];
                command[i] = System.Text.Encoding.UTF8.GetString(_commandBytes, range.Offset, range.Length);
            }
        }
        return (_runName, command, ElapsedMs);
    }
}

/// <summary>FUNCTION RESTORE's policies.</summary>
public enum RestorePolicy
{
    Append,
    Replace,
    Flush,
}
