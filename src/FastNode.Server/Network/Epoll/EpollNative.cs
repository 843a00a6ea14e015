using System.Runtime.InteropServices;

namespace FastNode.Server.Network.Epoll;

/// <summary>The few Linux calls the epoll transport needs (glibc, x86-64: epoll_event is packed there).</summary>
internal static unsafe partial class EpollNative
{
    public const uint In = 0x001, Out = 0x004, Err = 0x008, Hup = 0x010, RdHup = 0x2000;
    public const int CtlAdd = 1, CtlDel = 2, CtlMod = 3;
    public const int EAGAIN = 11, EINTR = 4;
    public const int MsgDontWait = 0x40, MsgNoSignal = 0x4000;
    private const int CloseOnExec = 0x80000, NonBlocking = 0x800;
    private const string Libc = "libc";

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct Event
    {
        public uint Events;
        public ulong Data;
    }

    /// <summary>Linux on x86-64 only: elsewhere the layout of epoll_event differs, and the Sockets transport is used.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    public static int CreateEpoll() => Check(epoll_create1(CloseOnExec), "epoll_create1");

    public static int CreateEventFd() => Check(eventfd(0, CloseOnExec | NonBlocking), "eventfd");

    public static int Control(int epfd, int op, int fd, uint events, ulong data)
    {
        var ev = new Event { Events = events, Data = data };
        return epoll_ctl(epfd, op, fd, &ev) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    private static int Check(int result, string call) =>
        result >= 0 ? result : throw new InvalidOperationException($"{call} failed: errno {Marshal.GetLastPInvokeError()}");

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, Event* ev);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int epoll_wait(int epfd, Event* events, int maxEvents, int timeoutMs);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int eventfd(uint initial, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nint length);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nint length);
}
