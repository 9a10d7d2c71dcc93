package io.depot.platform.readmodel;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Tells the handlers of a processor which generation they write: the same projection object serves the live
 * processor and a rebuild's, and each must write its own copy. The generation rides on the unit of work, so a
 * projection's code never sees it.
 */
final class GenerationBinding implements MessageHandlerInterceptor<EventMessage<?>> {

    private static final String KEY = GenerationBinding.class.getName() + "/";

    private final String group;
    private final int generation;

    GenerationBinding(String processorName) {
        this.group = Generations.groupOf(processorName);
        this.generation = Generations.generationOf(processorName);
    }

    @Override
    public Object handle(UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain interceptorChain)
            throws Exception {
        unitOfWork.root().resources().put(KEY + group, generation);
        return interceptorChain.proceed();
    }

    /** The generation the current event handler writes for {@code group}, or null outside its processor. */
    static Integer bound(String group) {
        return CurrentUnitOfWork.isStarted() ? CurrentUnitOfWork.get().root().getResource(KEY + group) : null;
    }
}
