using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FastNode.Server.Scripting;

/// <summary>
/// The allocator of a Lua state, counting its bytes and refusing to grow past a limit while a script runs (Lua then
/// raises "not enough memory" inside the script, which fails cleanly). Outside a script's protected call, and inside
/// calls back into C#, allocations are never refused: there a refusal would longjmp out of unprotected or managed
/// code (see <see cref="LuaNative"/>). Lives in native memory; touched only under the engine's lock.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LuaHeap
{
    public long Used;
    public long Limit;
    public int Enforced;

    [UnmanagedCallersOnly]
    public static unsafe IntPtr Allocate(IntPtr ud, IntPtr ptr, nuint oldSize, nuint newSize)
    {
        var heap = (LuaHeap*)ud;
        if (newSize == 0)
        {
            if (ptr != IntPtr.Zero) NativeMemory.Free((void*)ptr);
            heap->Used -= (long)oldSize;
            return IntPtr.Zero;
        }
        if (newSize > oldSize && heap->Enforced != 0 && heap->Used + (long)(newSize - oldSize) > heap->Limit) return IntPtr.Zero;
        var result = NativeMemory.Realloc((void*)ptr, newSize);
        if (result == null) return IntPtr.Zero;
        heap->Used += (long)newSize - (long)oldSize;
        return (IntPtr)result;
    }
}
