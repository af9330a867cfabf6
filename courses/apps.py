from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"

    def ready(self) -> None:
        from courses.selectors import allow_course_staff
        from courses.services import refuse_closed_submit
        from grader.selectors import submission_read_requested
        from grader.services import submit_requested

        # the grader asks before storing a Submit, and before showing someone's
        # submission to another; it imports nothing of courses
        submit_requested.connect(refuse_closed_submit, dispatch_uid="courses.refuse_closed_submit")
        submission_read_requested.connect(allow_course_staff, dispatch_uid="courses.allow_course_staff")
