#if NET10_0_OR_GREATER
using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>
/// The sample's <c>gateway</c> command as a real process against the fake bridge: started over a state folder, stopped
/// with SIGINT (in-flight work finishes, as on a service stop), started again over the same folder, as a restart is.
/// </summary>
internal sealed class GatewayProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Task<string> _errors;
    private readonly Task _reader;

    private GatewayProcess(Process process)
    {
        _process = process;
        _errors = process.StandardError.ReadToEndAsync();
        _reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                _lines.Enqueue(line);
            }
        });
    }

    public static GatewayProcess Start(FakeBridge bridge, string config, string state, params string[] more)
    {
        return new GatewayProcess(Process.Start(SampleProcess.Gateway(["--bridge", bridge.Address.ToString(), "--config", config, "--state", state, .. more]))!);
    }

    /// <summary>Waits until <paramref name="done"/> holds (polled), failing with what the gateway printed if it never does.</summary>
    public async Task WaitUntilAsync(Func<bool> done, string what)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!done())
        {
            if (_process.HasExited || deadline.IsCancellationRequested)
            {
                Assert.Fail($"{what}: not within 60 s (exited: {_process.HasExited}); the gateway printed:\n{string.Join('\n', _lines)}\n{(_process.HasExited ? await _errors : string.Empty)}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Stops the gateway with SIGINT and returns its exit code and standard error.</summary>
    public async Task<(int ExitCode, string Errors)> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var interrupt = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])!;
            await interrupt.ExitedAsync();
        }

        return await ExitAsync();
    }

    /// <summary>Waits for the gateway to exit on its own.</summary>
    public async Task<(int ExitCode, string Errors)> ExitAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(deadline.Token);
        await _reader.WaitAsync(ChildProcessLimits.Line);
        return (_process.ExitCode, await _errors.WaitAsync(ChildProcessLimits.Line));
    }

    public string[] Lines => [.. _lines];

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
#endif
