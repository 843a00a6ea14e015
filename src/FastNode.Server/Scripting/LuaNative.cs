using System.Runtime.InteropServices;

namespace FastNode.Server.Scripting;

/// <summary>
/// The Lua 5.1 C API, bound to the system's liblua5.1 (Debian's liblua5.1-0). Only what the scripting engine uses.
/// Rules that keep this safe with .NET:
/// 1. A callback from Lua into C# (<see cref="UnmanagedCallersOnlyAttribute"/>) never calls lua_error or anything
///    that may raise: a longjmp across managed frames is undefined. Callbacks return a status and a Lua wrapper
///    raises the error (see ScriptBootstrap.lua).
/// 2. The allocator lets allocations made inside such a callback exceed the memory limit, for the same reason:
///    a failed allocation raises.
/// </summary>
internal static unsafe partial class LuaNative
{
    public const string Library = "liblua5.1.so.0";

    public const int RegistryIndex = -10000;
    public const int GlobalsIndex = -10002;
    public const int MultRet = -1;

    public const int TNone = -1, TNil = 0, TBoolean = 1, TLightUserData = 2, TNumber = 3, TString = 4, TTable = 5,
        TFunction = 6, TUserData = 7, TThread = 8;

    public const int Ok = 0, ErrRun = 2, ErrSyntax = 3, ErrMem = 4, ErrErr = 5;
    public const int GcCollect = 2, GcCount = 3, GcCountB = 4;

    [DllImport(Library)] public static extern IntPtr lua_newstate(delegate* unmanaged<IntPtr, IntPtr, nuint, nuint, IntPtr> alloc, IntPtr ud);
    [DllImport(Library)] public static extern void lua_close(IntPtr l);
    [DllImport(Library)] public static extern int lua_gettop(IntPtr l);
    [DllImport(Library)] public static extern void lua_settop(IntPtr l, int index);
    [DllImport(Library)] public static extern void lua_pushvalue(IntPtr l, int index);
    [DllImport(Library)] public static extern void lua_insert(IntPtr l, int index);
    [DllImport(Library)] public static extern void lua_remove(IntPtr l, int index);
    [DllImport(Library)] public static extern int lua_checkstack(IntPtr l, int extra);
    [DllImport(Library)] public static extern int lua_type(IntPtr l, int index);
    [DllImport(Library)] public static extern double lua_tonumber(IntPtr l, int index);
    [DllImport(Library)] public static extern int lua_toboolean(IntPtr l, int index);
    [DllImport(Library)] public static extern byte* lua_tolstring(IntPtr l, int index, out nuint length);
    [DllImport(Library)] public static extern nuint lua_objlen(IntPtr l, int index);
    [DllImport(Library)] public static extern void lua_pushnil(IntPtr l);
    [DllImport(Library)] public static extern void lua_pushnumber(IntPtr l, double n);
    [DllImport(Library)] public static extern void lua_pushinteger(IntPtr l, nint n);
    [DllImport(Library)] public static extern void lua_pushlstring(IntPtr l, byte* s, nuint length);
    [DllImport(Library)] public static extern void lua_pushboolean(IntPtr l, int b);
    [DllImport(Library)] public static extern void lua_pushcclosure(IntPtr l, delegate* unmanaged<IntPtr, int> fn, int n);
    [DllImport(Library)] public static extern void lua_pushlightuserdata(IntPtr l, IntPtr p);
    [DllImport(Library)] public static extern void lua_gettable(IntPtr l, int index);
    [DllImport(Library)] public static extern void lua_getfield(IntPtr l, int index, byte* key);
    [DllImport(Library)] public static extern void lua_rawget(IntPtr l, int index);
    [DllImport(Library)] public static extern void lua_rawgeti(IntPtr l, int index, int n);
    [DllImport(Library)] public static extern void lua_createtable(IntPtr l, int narr, int nrec);
    [DllImport(Library)] public static extern int lua_getmetatable(IntPtr l, int index);
    [DllImport(Library)] public static extern void lua_settable(IntPtr l, int index);
    [DllImport(Library)] public static extern void lua_setfield(IntPtr l, int index, byte* key);
    [DllImport(Library)] public static extern void lua_rawset(IntPtr l, int index);
    [DllImport(Library)] public static extern void lua_rawseti(IntPtr l, int index, int n);
    [DllImport(Library)] public static extern int lua_setmetatable(IntPtr l, int index);
    [DllImport(Library)] public static extern int lua_setfenv(IntPtr l, int index);
    [DllImport(Library)] public static extern void lua_call(IntPtr l, int nargs, int nresults);
    [DllImport(Library)] public static extern int lua_pcall(IntPtr l, int nargs, int nresults, int errfunc);
    [DllImport(Library)] public static extern int lua_gc(IntPtr l, int what, int data);
    [DllImport(Library)] public static extern int lua_next(IntPtr l, int index);
    [DllImport(Library)] public static extern int luaL_loadbuffer(IntPtr l, byte* buffer, nuint size, byte* name);
    [DllImport(Library)] public static extern int luaL_ref(IntPtr l, int table);
    [DllImport(Library)] public static extern void luaL_unref(IntPtr l, int table, int reference);

    [DllImport(Library)] public static extern int luaopen_base(IntPtr l);
    [DllImport(Library)] public static extern int luaopen_table(IntPtr l);
    [DllImport(Library)] public static extern int luaopen_string(IntPtr l);
    [DllImport(Library)] public static extern int luaopen_math(IntPtr l);
    [DllImport(Library)] public static extern int luaopen_debug(IntPtr l);

    public static void Pop(IntPtr l, int n) => lua_settop(l, -n - 1);

    public static void GetField(IntPtr l, int index, ReadOnlySpan<byte> nulTerminated)
    {
        fixed (byte* k = nulTerminated) lua_getfield(l, index, k);
    }

    public static void SetField(IntPtr l, int index, ReadOnlySpan<byte> nulTerminated)
    {
        fixed (byte* k = nulTerminated) lua_setfield(l, index, k);
    }

    public static void PushBytes(IntPtr l, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes) lua_pushlstring(l, p, (nuint)bytes.Length);
    }

    public static ReadOnlySpan<byte> ToBytes(IntPtr l, int index)
    {
        byte* p = lua_tolstring(l, index, out nuint length);
        return p == null ? default : new ReadOnlySpan<byte>(p, (int)length);
    }

    public static string? ToText(IntPtr l, int index)
    {
        byte* p = lua_tolstring(l, index, out nuint length);
        return p == null ? null : System.Text.Encoding.UTF8.GetString(p, (int)length);
    }
}
