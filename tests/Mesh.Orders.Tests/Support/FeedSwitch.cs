using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Mesh.Orders.Tests.Support;

/// <summary>
/// Takes a feed away from orders and gives it back, as a client interceptor on orders' client of
/// the service that serves it: while cut, open streams whose request is a
/// <typeparamref name="TWatchRequest"/> break and new ones fail with UNAVAILABLE, as when that
/// service is unreachable; unary calls are untouched. It also records every such request orders made.
/// </summary>
public sealed class FeedSwitch<TWatchRequest> : Interceptor
    where TWatchRequest : class, IMessage<TWatchRequest>
{
    private readonly Lock _gate = new();
    private readonly List<TWatchRequest> _requests = [];
    private CancellationTokenSource _cut = new();
    private bool _down;

    /// <summary>Every watch request orders sent, oldest first.</summary>
    public IReadOnlyList<TWatchRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Breaks open streams and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        CancellationTokenSource cut;
        lock (_gate)
        {
            _down = true;
            cut = _cut;
            _cut = new CancellationTokenSource();
        }

        cut.Cancel();
        cut.Dispose();
    }

    public void Restore()
    {
        lock (_gate)
        {
            _down = false;
        }
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        if (request is not TWatchRequest watch)
        {
            return continuation(request, context);
        }

        CancellationToken cut;
        lock (_gate)
        {
            _requests.Add(watch.Clone());
            if (_down)
            {
                var refused = new Status(StatusCode.Unavailable, $"the feed of {typeof(TWatchRequest).Name} is cut (test)");
                return new AsyncServerStreamingCall<TResponse>(
                    new BrokenReader<TResponse>(refused), Task.FromResult(new Metadata()), () => refused, () => new Metadata(), () => { });
            }

            cut = _cut.Token;
        }

        var linked = CancellationTokenSource.CreateLinkedTokenSource(context.Options.CancellationToken, cut);
        var call = continuation(request, new ClientInterceptorContext<TRequest, TResponse>(
            context.Method, context.Host, context.Options.WithCancellationToken(linked.Token)));
        return new AsyncServerStreamingCall<TResponse>(
            new CuttableReader<TResponse>(call.ResponseStream, cut),
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            () =>
            {
                call.Dispose();
                linked.Dispose();
            });
    }

    private sealed class BrokenReader<T>(Status status) : IAsyncStreamReader<T>
    {
        public T Current => throw new InvalidOperationException("the stream has no messages");

        public Task<bool> MoveNext(CancellationToken cancellationToken) => Task.FromException<bool>(new RpcException(status));
    }

    private sealed class CuttableReader<T>(IAsyncStreamReader<T> inner, CancellationToken cut) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                return await inner.MoveNext(cancellationToken);
            }
            catch (RpcException exception) when (cut.IsCancellationRequested && exception.StatusCode == StatusCode.Cancelled)
            {
                // The cut cancelled the call; the consumer must see what a lost connection looks like.
                throw new RpcException(new Status(StatusCode.Unavailable, $"the feed of {typeof(TWatchRequest).Name} was cut (test)"));
            }
        }
    }
}
