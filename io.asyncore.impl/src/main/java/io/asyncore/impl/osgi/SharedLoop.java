package io.asyncore.impl.osgi;

import io.asyncore.EventLoop;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * The {@link EventLoop} service object: the bundle's loop, except that no consumer can
 * close it. The loop belongs to bundle {@code io.asyncore.impl} and ends when that bundle
 * stops. A dynamic proxy, so every method the interface has now or gains later reaches
 * the loop unchanged, {@link EventLoop#close()} excepted.
 */
final class SharedLoop implements InvocationHandler {

    private final EventLoop loop;

    private SharedLoop(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * The service object for {@code loop}.
     *
     * @param loop the bundle's loop
     * @return an EventLoop whose close() throws UnsupportedOperationException
     */
    static EventLoop of(EventLoop loop) {
        return (EventLoop) Proxy.newProxyInstance(SharedLoop.class.getClassLoader(),
                new Class<?>[] {EventLoop.class}, new SharedLoop(loop));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        int arity = method.getParameterCount();
        if (name.equals("close") && arity == 0) {
            throw new UnsupportedOperationException("event loop " + loop.name()
                    + " is shared by the framework; stop bundle io.asyncore.impl to stop it");
        }
        if (name.equals("equals") && arity == 1) {
            return proxy == args[0];
        }
        if (name.equals("hashCode") && arity == 0) {
            return System.identityHashCode(proxy);
        }
        try {
            return method.invoke(loop, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
