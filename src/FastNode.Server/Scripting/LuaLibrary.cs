using System.Reflection;
using System.Runtime.InteropServices;

namespace FastNode.Server.Scripting;

/// <summary>
/// Finds the system's Lua 5.1 and its C modules once per process. liblua5.1 is opened with RTLD_GLOBAL because
/// Debian's lua-cjson and lua-bitop modules are not linked against it: they expect the host to export the Lua API,
/// as the standalone interpreter does. When liblua5.1 is missing, scripting is off and every scripting command says
/// so (<see cref="UnavailableError"/>) instead of failing in a P/Invoke.
/// </summary>
internal static unsafe class LuaLibrary
{
    private const int RtldNow = 0x2, RtldGlobal = 0x100;
    private static readonly object Gate = new();
    private static bool _probed;
    private static IntPtr _lua;

    public const string UnavailableError =
        "ERR scripting is unavailable: the Lua 5.1 library (liblua5.1.so.0) was not found; install it with 'apt-get install liblua5.1-0 lua-cjson lua-bitop'";

    /// <summary>luaopen_cjson of lua-cjson, or null when the module is not installed.</summary>
    public static delegate* unmanaged<IntPtr, int> OpenCjson { get; private set; }

    /// <summary>luaopen_bit of lua-bitop, or null when the module is not installed.</summary>
    public static delegate* unmanaged<IntPtr, int> OpenBit { get; private set; }

    public static bool Available
    {
        get
        {
            if (!_probed) Probe();
            return _lua != IntPtr.Zero;
        }
    }

    private static void Probe()
    {
        lock (Gate)
        {
            if (_probed) return;
            _lua = Open(LuaNative.Library);
            if (_lua == IntPtr.Zero) _lua = Open("liblua5.1.so");
            if (_lua != IntPtr.Zero)
            {
                NativeLibrary.SetDllImportResolver(typeof(LuaLibrary).Assembly, Resolve);
                OpenCjson = (delegate* unmanaged<IntPtr, int>)Symbol(ModulePath("cjson.so"), "luaopen_cjson");
                OpenBit = (delegate* unmanaged<IntPtr, int>)Symbol(ModulePath("bit.so"), "luaopen_bit");
            }
            _probed = true;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == LuaNative.Library ? _lua : IntPtr.Zero;

    private static string ModulePath(string file)
    {
        foreach (var dir in (ReadOnlySpan<string>)["/usr/lib/x86_64-linux-gnu/lua/5.1", "/usr/lib/aarch64-linux-gnu/lua/5.1", "/usr/local/lib/lua/5.1", "/usr/lib/lua/5.1"])
        {
            var candidate = Path.Combine(dir, file);
            if (File.Exists(candidate)) return candidate;
        }
        return file;
    }

    private static IntPtr Symbol(string library, string name)
    {
        var handle = Open(library);
        return handle == IntPtr.Zero ? IntPtr.Zero : dlsym(handle, name);
    }

    private static IntPtr Open(string name)
    {
        if (!OperatingSystem.IsLinux()) return NativeLibrary.TryLoad(name, out var h) ? h : IntPtr.Zero;
        try
        {
            return dlopen(name, RtldNow | RtldGlobal);
        }
        catch (DllNotFoundException)
        {
            return IntPtr.Zero;
        }
    }

    [DllImport("libc", CharSet = CharSet.Ansi)] private static extern IntPtr dlopen(string file, int mode);
    [DllImport("libc", CharSet = CharSet.Ansi)] private static extern IntPtr dlsym(IntPtr handle, string name);
}
